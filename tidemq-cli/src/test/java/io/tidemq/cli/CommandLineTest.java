package io.tidemq.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {

    /** Every command and subcommand of the tree, e.g. "admin config set" (help excluded). */
    static List<String> everyCommand() {
        List<String> names = new ArrayList<>();
        collect(TideMq.newCommandLine(), "", names);
        return names;
    }

    private static void collect(CommandLine cl, String prefix, List<String> names) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                String path = prefix.isEmpty() ? name : prefix + " " + name;
                names.add(path);
                collect(sub, path, names);
            }
        });
    }

    @Test
    void theHelpTestCoversTheNewCommands() {
        assertThat(everyCommand()).contains("admin config get", "admin config set", "admin group reset-offsets",
                "admin broker drain").hasSizeGreaterThan(35);
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyCommandExplainsItselfWithHelpAndNoWarning(String command) {
        // picocli reports a help text it cannot format (a lone % in it) on System.err, not on the command's err
        PrintStream systemErr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Cli.Result r;
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            r = Cli.exec((command + " --help").split(" "));
        } finally {
            System.setErr(systemErr);
        }

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: tidemq " + command);
        assertThat(r.err()).isEmpty();
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void theTopLevelHelpListsEveryCommand() {
        Cli.Result r = Cli.exec("--help");

        assertThat(r.out()).contains("standalone", "namesrv", "broker", "console", "produce", "consume", "admin", "bench");
    }

    @Test
    void commandsThatNeedAnExampleShowOne() {
        assertThat(Cli.exec("produce", "--help").out()).contains("tidemq produce --namesrv 127.0.0.1:9876 --topic demo --count 10");
        assertThat(Cli.exec("admin", "message", "get", "--help").out()).contains("--key order-42 --topic orders");
        assertThat(Cli.exec("bench", "produce", "--help").out()).contains("--async --inflight 2000");
    }

    @Test
    void theTopLevelHelpShowsWholeSummaries() {
        assertThat(Cli.exec("--help").out()).contains("Reads a topic as a consumer group and prints one line per"
                + " message.");
    }

    @Test
    void aMissingArgumentOfAnArgumentGroupIsReportedWithOneErrorPrefix() {
        Cli.Result r = Cli.exec("admin", "dlq", "resend", "--group", "g");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: Missing required argument").doesNotContain("Error:");
    }

    @Test
    void aNameServerAddressWithoutPortIsAUsageErrorNamingTheOption() {
        for (String[] args : List.of(new String[] {"produce", "--namesrv", "127.0.0.1", "--topic", "demo", "--count", "1"},
                new String[] {"consume", "--namesrv", "127.0.0.1", "--topic", "demo", "--group", "g"},
                new String[] {"admin", "topic", "list", "--namesrv", "127.0.0.1"},
                new String[] {"console", "--namesrv", "127.0.0.1"})) {
            Cli.Result r = Cli.exec(args);

            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--namesrv entry '127.0.0.1' is not host:port").doesNotContain("namesrvAddrs");
        }
    }

    @Test
    void aCommaBetweenNameServersIsAUsageErrorForEveryCommand() {
        // admin used to split on ',' too, while produce took "a:1,b:2" for one address: ';' is the one separator
        for (String[] args : List.of(new String[] {"produce", "--namesrv", "127.0.0.1:1,127.0.0.1:2", "--topic", "demo"},
                new String[] {"consume", "--namesrv", "127.0.0.1:1,127.0.0.1:2", "--topic", "demo", "--group", "g"},
                new String[] {"admin", "topic", "list", "--namesrv", "127.0.0.1:1,127.0.0.1:2"})) {
            Cli.Result r = Cli.exec(args);

            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--namesrv entry '127.0.0.1:1,127.0.0.1:2' is not host:port")
                    .contains("separate several addresses with ';'");
        }
    }

    @Test
    void badTopicAndGroupNamesAreUsageErrorsFoundBeforeConnecting() {
        // nothing listens on port 1: a name check after connecting would fail with exit 1 instead
        Cli.Result produce = Cli.exec("produce", "--namesrv", "127.0.0.1:1", "--topic", "my topic", "--count", "1");
        Cli.Result reserved = Cli.exec("produce", "--namesrv", "127.0.0.1:1", "--topic", "%RETRY%g", "--count", "1");
        Cli.Result consume = Cli.exec("consume", "--namesrv", "127.0.0.1:1", "--topic", "demo", "--group", "bad group");

        assertThat(produce.exitCode()).as(produce.err()).isEqualTo(2);
        assertThat(produce.err()).contains("topic name 'my topic'").contains("Try 'tidemq produce --help'");
        assertThat(reserved.exitCode()).as(reserved.err()).isEqualTo(2);
        assertThat(consume.exitCode()).as(consume.err()).isEqualTo(2);
        assertThat(consume.err()).contains("bad group");
    }

    @Test
    void aStandaloneWhosePortIsTakenNamesTheOptionToChange(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.exec("standalone", "--namesrv-port", Integer.toString(taken.getLocalPort()),
                    "--broker-port", "0", "--data", dir.resolve("data").toString());

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("--namesrv-port").doesNotContain("listenPort");
        }
    }

    @Test
    void aMissingTopicIsAUsageErrorNamingTheOption() {
        Cli.Result r = Cli.exec("produce", "--count", "1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--topic=TOPIC'")
                .contains("Try 'tidemq produce --help'");
    }

    @Test
    void aBadFlushValueListsTheAllowedValues() {
        Cli.Result r = Cli.exec("standalone", "--flush", "sometimes");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--flush").contains("ASYNC, SYNC").contains("sometimes");
    }

    @Test
    void consumeNeedsAGroup() {
        Cli.Result r = Cli.exec("consume", "--topic", "demo");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--group");
    }

    @Test
    void aNonPositiveCountIsRefusedBeforeConnecting() {
        Cli.Result r = Cli.exec("produce", "--topic", "demo", "--count", "0", "--namesrv", "127.0.0.1:1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--count must be at least 1");
    }

    @Test
    void benchNeedsExactlyOneOfCountAndSeconds() {
        assertThat(Cli.exec("bench", "produce", "--topic", "t").err()).contains("--count").contains("--seconds");
        Cli.Result both = Cli.exec("bench", "produce", "--topic", "t", "--count", "5", "--seconds", "5");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void messageGetNeedsAnIdOrAKeyWithItsTopic() {
        assertThat(Cli.exec("admin", "message", "get").exitCode()).isEqualTo(2);
        Cli.Result keyOnly = Cli.exec("admin", "message", "get", "--key", "k");
        assertThat(keyOnly.exitCode()).isEqualTo(2);
        assertThat(keyOnly.err()).contains("--topic");
        assertThat(Cli.exec("admin", "message", "get", "--id", "x", "--key", "k", "--topic", "t").exitCode()).isEqualTo(2);
    }

    @Test
    void anUnknownSubcommandSuggestsTheClosestOne() {
        Cli.Result r = Cli.exec("admin", "topik");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("topic");
    }

    @Test
    void aBadPermissionIsAUsageError() {
        Cli.Result r = Cli.exec("admin", "topic", "create", "--topic", "t", "--perm", "x");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--perm must be rw, r or w");
    }

    @Test
    void anUnreachableNameServerFailsWithExitCode1AndAdvice() {
        Cli.Result r = Cli.exec("admin", "cluster", "list", "--namesrv", "127.0.0.1:1", "--request-timeout-ms", "500");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("127.0.0.1:1").contains("--namesrv")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingBrokerConfigFileIsReportedByPath() {
        Cli.Result r = Cli.exec("broker", "--config", "/nonexistent/broker.properties");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent/broker.properties").contains("does not exist");
    }

    @Test
    void anUnknownNameServerKeyIsNamed(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("namesrv.properties"), "listenPortt=9876\n");

        Cli.Result r = Cli.exec("namesrv", "--config", f.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("listenPortt");
    }

    @Test
    void clientToolsLogAtWarnButServersKeepTheirInfoLogs() {
        String saved = System.getProperty("tidemq.log.level");
        try {
            System.clearProperty("tidemq.log.level");
            TideMq.quietClientLogs(new String[] {"standalone"});
            assertThat(System.getProperty("tidemq.log.level")).isNull();
            TideMq.quietClientLogs(new String[] {"produce", "--topic", "t"});
            assertThat(System.getProperty("tidemq.log.level")).isEqualTo("WARN");
            System.setProperty("tidemq.log.level", "DEBUG");
            TideMq.quietClientLogs(new String[] {"consume"});
            assertThat(System.getProperty("tidemq.log.level")).as("an explicit level wins").isEqualTo("DEBUG");
        } finally {
            if (saved == null) {
                System.clearProperty("tidemq.log.level");
            } else {
                System.setProperty("tidemq.log.level", saved);
            }
        }
    }

    @Test
    void aServerPortOutOfRangeIsAUsageErrorNamingTheOptionNotTheKey(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("broker.properties"), "storePath=" + dir.resolve("store") + "\n");
        String data = dir.resolve("d").toString();
        for (String[] args : List.of(new String[] {"--port", "namesrv", "--port", "70000"},
                new String[] {"--metrics-port", "namesrv", "--metrics-port", "-5"},
                new String[] {"--port", "broker", "--config", conf.toString(), "--port", "70000"},
                new String[] {"--metrics-port", "broker", "--config", conf.toString(), "--metrics-port", "70000"},
                new String[] {"--broker-port", "standalone", "--broker-port", "70000", "--data", data},
                new String[] {"--metrics-port", "standalone", "--metrics-port", "-2", "--data", data})) {
            String option = args[0];
            String[] command = java.util.Arrays.copyOfRange(args, 1, args.length);
            Cli.Result r = Cli.exec(command);

            assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("error: " + option + " must be in [")
                    .doesNotContain("listenPort", "metricsPort");
        }
    }

    @Test
    void aBrokerNameServerWithoutPortIsAUsageErrorNamingTheOption(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("broker.properties"), "storePath=" + dir.resolve("store") + "\n");

        Cli.Result r = Cli.exec("broker", "--config", conf.toString(), "--namesrv", "127.0.0.1");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--namesrv entry '127.0.0.1' is not host:port").doesNotContain("namesrvAddrs");
    }

    @Test
    void standaloneSetOfAnUnknownKeyOrABadValueIsAUsageErrorFoundBeforeAnythingStarts(@TempDir Path dir) {
        String data = dir.resolve("d").toString();
        Cli.Result unknown = Cli.exec("standalone", "--set", "maxMesageBytes=10", "--data", data);
        assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(2);
        assertThat(unknown.err()).contains("--set maxMesageBytes: not a broker or store configuration key");

        Cli.Result bad = Cli.exec("standalone", "--set", "maxMessageBytes=-5", "--data", data);
        assertThat(bad.exitCode()).as(bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("--set maxMessageBytes=-5: maxMessageBytes must be in [");
        assertThat(Files.exists(dir.resolve("d"))).as("nothing started, nothing created").isFalse();
    }

    @Test
    void standaloneAddressesThatAreNoAddressAreUsageErrorsNamingTheOption(@TempDir Path dir) {
        String data = dir.resolve("d").toString();
        Cli.Result bind = Cli.exec("standalone", "--bind", "nonsense::", "--data", data);
        assertThat(bind.exitCode()).as(bind.err()).isEqualTo(2);
        assertThat(bind.err()).contains("--bind 'nonsense::' is not an IP address or host name");

        Cli.Result ip = Cli.exec("standalone", "--broker-ip", "999.1.1.1", "--data", data);
        assertThat(ip.exitCode()).as(ip.err()).isEqualTo(2);
        assertThat(ip.err()).contains("--broker-ip '999.1.1.1' is not an IP address or host name");
        assertThat(OptionChecks.hostProblem("10.0.0.5")).isNull();
        assertThat(OptionChecks.hostProblem("::1")).isNull();
        assertThat(OptionChecks.hostProblem("broker-1.example.com")).isNull();
    }

    @Test
    void aStandaloneDataDirectoryThatCannotBeUsedNamesDataNotStorePath(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        Cli.Result r = Cli.exec("standalone", "--data", file.toString(), "--namesrv-port", "0", "--broker-port", "0",
                "--metrics-port", "-1", "--no-console");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("error: --data " + file + " cannot be used: it is a file, not a directory")
                .doesNotContain("storePath", "\tat ");
    }

    @Test
    void aMalformedBrokerAddressIsTheSameUsageErrorForEveryAdminCommand() {
        for (String[] args : List.of(new String[] {"admin", "group", "list", "--broker", "nohost"},
                new String[] {"admin", "config", "get", "--broker", "nohost"},
                new String[] {"admin", "broker", "drain", "--broker", "nohost"})) {
            Cli.Result r = Cli.exec(concat(args, "--namesrv", "127.0.0.1:1", "--request-timeout-ms", "300"));

            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--broker").contains("nohost");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
