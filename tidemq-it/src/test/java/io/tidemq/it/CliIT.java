package io.tidemq.it;

import io.tidemq.it.support.Cli;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tidemq} command as a user runs it, each command in its own JVM through the CLI main, against a
 * standalone server: produce, consume, and the admin views of topics, groups and messages.
 */
class CliIT {

    private static final String TOPIC = "it-cli";
    private static final String GROUP = "it-cli-group";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** What {@code produce} prints per message: msgId queueId queueOffset. */
    private static final Pattern SEND_LINE = Pattern.compile("([0-9A-Fa-f]+) (\\d+) (\\d+)");
    /** What {@code consume} prints per message: msgId TAB key TAB tag TAB body. */
    private static final Pattern CONSUME_LINE = Pattern.compile("([0-9A-Fa-f]+)\\t[^\\t]+\\t[^\\t]+\\t.*");

    @TempDir
    static Path tmp;

    private static Standalone server;
    private static Cli cli;

    @BeforeAll
    static void startServer() {
        Path logs = ItLogs.forClass(CliIT.class);
        server = Standalone.builder("standalone", logs, tmp.resolve("data")).build().start();
        cli = new Cli(logs);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void produceConsumeAndAdminCommandsWorkEndToEnd() {
        Cli.Result produced = tidemq("produce", "--namesrv", server.namesrvAddr(), "--topic", TOPIC, "--count", "10");
        List<String> sendLines = produced.matching(SEND_LINE);
        assertThat(sendLines).as("produce output: " + produced).hasSize(10);
        List<String> msgIds = sendLines.stream().map(l -> l.split(" ")[0]).toList();
        assertThat(msgIds).doesNotHaveDuplicates();

        Cli.Result consumed = tidemq("consume", "--namesrv", server.namesrvAddr(), "--topic", TOPIC, "--group", GROUP,
                "--count", "10", "--timeout-ms", "30000");
        List<String> consumeLines = consumed.matching(CONSUME_LINE);
        assertThat(consumeLines).as("consume output: " + consumed).hasSize(10);
        assertThat(consumeLines.stream().map(l -> l.split("\t")[0]).toList())
                .containsExactlyInAnyOrderElementsOf(msgIds);
        assertThat(consumeLines).allMatch(l -> l.contains("hello from tidemq #"));

        Cli.Result topics = tidemq("admin", "topic", "list", "--namesrv", server.namesrvAddr());
        assertThat(topics.lines()).as(topics.toString()).contains(TOPIC);

        Cli.Result described = tidemq("admin", "topic", "describe", "--namesrv", server.namesrvAddr(), "--topic", TOPIC);
        assertThat(described.text()).as(described.toString())
                .contains("Topic " + TOPIC + ":").contains("10 message(s) stored").contains("MAX OFFSET");

        tidemq("produce", "--namesrv", server.namesrvAddr(), "--topic", TOPIC, "--count", "5");
        Cli.Result group = tidemq("admin", "group", "describe", "--namesrv", server.namesrvAddr(), "--group", GROUP);
        assertThat(group.text()).as(group.toString())
                .contains("Consumer group " + GROUP).contains("total lag 5").contains("LAG");

        String id = msgIds.get(3);
        Cli.Result message = tidemq("admin", "message", "get", "--namesrv", server.namesrvAddr(), "--id", id);
        assertThat(message.text()).as(message.toString())
                .contains("Message " + id).contains("topic       " + TOPIC).contains("hello from tidemq #3");
    }

    @Test
    void aCommandThatFailsSaysWhyAndExitsNonZero() {
        Cli.Result r = tidemq(1, "admin", "message", "get", "--namesrv", server.namesrvAddr(), "--id",
                "00000000000000000000000000000000");
        assertThat(r.lines()).as(r.toString()).anyMatch(l -> l.startsWith("error: "));
    }

    private static Cli.Result tidemq(String... args) {
        return tidemq(0, args);
    }

    private static Cli.Result tidemq(int expectedExit, String... args) {
        Cli.Result r = cli.run(COMMAND_TIMEOUT, args);
        assertThat(r.exitCode()).as("exit code of tidemq " + String.join(" ", args) + ", " + r).isEqualTo(expectedExit);
        return r;
    }
}
