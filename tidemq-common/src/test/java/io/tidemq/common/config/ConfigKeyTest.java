package io.tidemq.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigKeyTest {

    private enum Mode { ASYNC, SYNC }

    /** A stand-in for a role's builder. */
    private static final class Settings {
        long intervalMs = 500;
        boolean enabled;
        Mode mode = Mode.ASYNC;
    }

    private static final ConfigKey<Long> INTERVAL = ConfigKey.ofLong("intervalMs", "ms", 500, 1, 60_000,
            "how often it runs");
    private static final ConfigKey<Boolean> ENABLED = ConfigKey.ofBoolean("enabled", false, "whether it runs");
    private static final ConfigKey<Mode> MODE = ConfigKey.ofEnum("mode", Mode.class, Mode.ASYNC, "how it flushes");

    private static final ConfigTable<Settings> TABLE = ConfigTable.<Settings>builder("test")
            .key(INTERVAL, (s, v) -> s.intervalMs = v)
            .key(ENABLED, (s, v) -> s.enabled = v)
            .key(MODE, (s, v) -> s.mode = v)
            .build();

    @Test
    void bindingParsesTrimsAndChecksEachKnownKey() {
        Settings s = new Settings();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("intervalMs", " 1_000 ");
        values.put("enabled", "TRUE");
        values.put("mode", "sync");
        values.put("storeKey", "x");

        List<String> unknown = TABLE.bind(s, values, IllegalStateException::new);

        assertThat(s.intervalMs).isEqualTo(1_000);
        assertThat(s.enabled).isTrue();
        assertThat(s.mode).isEqualTo(Mode.SYNC);
        assertThat(unknown).containsExactly("storeKey");
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatIsAllowedInTheRolesExceptionType() {
        assertThatThrownBy(() -> INTERVAL.parse("5s", IllegalStateException::new))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("intervalMs = '5s' is not a whole number; give a value in [1, 60000]");
        assertThatThrownBy(() -> INTERVAL.parse("0", IllegalStateException::new))
                .hasMessage("intervalMs must be in [1, 60000], was 0");
        assertThatThrownBy(() -> ENABLED.parse("yes", IllegalStateException::new))
                .hasMessage("enabled = 'yes' is not a boolean; use true or false");
        assertThatThrownBy(() -> MODE.parse("fast", IllegalStateException::new))
                .hasMessage("mode = 'fast' is not valid; use ASYNC or SYNC");
        assertThatThrownBy(() -> TABLE.bindAll(new Settings(), Map.of("intervalMS", "1"), IllegalStateException::new))
                .hasMessage("unknown test config key 'intervalMS'; known keys are [intervalMs, enabled, mode]");
    }

    @Test
    void theMarkdownRowsComeFromTheTableAndEmptyCellsStayEmpty() {
        assertThat(TABLE.markdownRows()).containsExactly(
                "| `intervalMs` | ms | 500 | 1–60000 | how often it runs |",
                "| `enabled` | | false | true/false | whether it runs |",
                "| `mode` | | ASYNC | ASYNC, SYNC | how it flushes |");
        assertThat(INTERVAL.defaultText("500 (half a second)").allowedText("1–`other`").markdownRow())
                .isEqualTo("| `intervalMs` | ms | 500 (half a second) | 1–`other` | how often it runs |");
    }

    @Test
    void documentedRowsAreTheKeyRowsOfTheFirstTableOfTheSection(@TempDir Path dir) throws IOException {
        Path doc = dir.resolve("configuration.md");
        Files.writeString(doc, String.join("\n",
                "# Configuration", "", "## Test", "", "Text.", "",
                "| key | unit | default | allowed | meaning |", "| --- | --- | --- | --- | --- |",
                "| `a` | ms | 1 | 1–2 | first |", "| `b` | | x | | second |", "", "| `c` | | | | another table |",
                "## Next", "| `d` | | | | |", ""));

        assertThat(ConfigTable.documentedRows(doc, "## Test"))
                .containsExactly("| `a` | ms | 1 | 1–2 | first |", "| `b` | | x | | second |");
    }
}
