package io.tidemq.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/alerts.yml is a rule file Prometheus loads ({@code promtool check rules} parses the YAML and every PromQL
 * expression), and every metric it uses is one docs/metrics.md documents.
 */
class AlertRulesTest {

    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void alertRulesParseAndUseOnlyDocumentedMetrics() throws Exception {
        Path rules = DOCS.resolve("alerts.yml");
        Promtool.Result r = Promtool.checkRules(rules);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");

        String metricsDoc = Files.readString(DOCS.resolve("metrics.md"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\btidemq_[a-z_]+").matcher(Files.readString(rules));
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).isNotEmpty();
        for (String metric : used) {
            assertThat(metricsDoc).as("docs/metrics.md documents " + metric).contains("`" + metric + "`");
        }
    }
}
