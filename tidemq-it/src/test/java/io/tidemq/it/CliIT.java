package io.tidemq.it;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.it.support.Cli;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.JvmProcess;
import io.tidemq.it.support.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

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
    void theConsoleRolePointedAtTheNameServersServesTheClusterAfterALoginAndStopsOnSigterm() throws Exception {
        Path data = tmp.resolve("console-role");
        String password;
        try (JvmProcess console = cli.start("console", "--namesrv", server.namesrvAddr(), "--data", data.toString(),
                "--console-port", "0")) {
            String ready = console.awaitLine(l -> l.startsWith("TideMQ console ready at "), COMMAND_TIMEOUT);
            String url = ready.substring("TideMQ console ready at ".length()).trim();
            String pwLine = console.lines().stream().filter(l -> l.contains("log in as admin with password "))
                    .findFirst().orElseThrow(() -> new AssertionError("no password printed: " + console.tail(20)));
            password = pwLine.substring(pwLine.indexOf("password ") + "password ".length()).trim();

            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .cookieHandler(new java.net.CookieManager()).build();
            java.net.http.HttpResponse<String> anonymous = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "api/overview")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("login required by default").isEqualTo(401);
            java.net.http.HttpResponse<String> login = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "api/login")).header("Content-Type", "application/json")
                    .header("X-TideMQ-Console", "1").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"user\": \"admin\", \"password\": \"" + password + "\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            java.net.http.HttpResponse<String> overview = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "api/overview")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains(server.brokerAddr()).contains(server.namesrvAddr());

            console.terminate();
            assertThat(console.waitForExit(COMMAND_TIMEOUT)).as(console.tail(20)).isTrue();
            // stopped by SIGTERM (128 + 15, as every tidemq process), after its shutdown hook closed the console
            assertThat(console.exitValue()).as(console.tail(20)).isEqualTo(143);
            assertThat(console.lines()).as(console.tail(20)).contains("TideMQ console stopped.");
        }
        // the password was printed once: a second start keeps the stored hash and does not print one
        try (JvmProcess again = cli.start("console", "--namesrv", server.namesrvAddr(), "--data", data.toString(),
                "--console-port", "0")) {
            again.awaitLine(l -> l.startsWith("TideMQ console ready at "), COMMAND_TIMEOUT);
            assertThat(again.lines()).anyMatch(l -> l.contains("the password printed at the first start"))
                    .noneMatch(l -> l.contains(password));
            again.terminate();
            assertThat(again.waitForExit(COMMAND_TIMEOUT)).isTrue();
        }
        assertThat(String.join("\n", java.nio.file.Files.readAllLines(
                data.resolve("console").resolve("users.properties")))).doesNotContain(password);
    }

    @Test
    void helpPrintsNoWarningInItsOwnJvm() {
        for (String[] command : new String[][] {{"--help"}, {"admin", "--help"}, {"console", "--help"},
                {"admin", "group", "reset-offsets", "--help"}}) {
            Cli.Result r = tidemq(command);
            assertThat(r.lines()).as(r.toString()).isNotEmpty()
                    .noneMatch(l -> l.contains("WARN") || l.contains("SLF4J") || l.contains("ERROR"));
            assertThat(r.lines().get(0)).as(r.toString()).startsWith("Usage: tidemq");
        }
    }

    @Test
    void aCommandThatFailsSaysWhyAndExitsNonZero() {
        Cli.Result r = tidemq(1, "admin", "message", "get", "--namesrv", server.namesrvAddr(), "--id",
                "00000000000000000000000000000000");
        assertThat(r.lines()).as(r.toString()).anyMatch(l -> l.startsWith("error: "));
    }

    @Test
    void consumeStoppedByCtrlCOrSigtermCommitsExactlyWhatItPrinted() throws Exception {
        assumeFalse(JvmProcess.sigintIgnoredHere(), "this test JVM ignores SIGINT (started in the background by a"
                + " shell without job control), and so would the consume process it starts: Ctrl-C cannot be tested");
        String topic = "it-cli-stop";
        String group = "it-cli-stop-group";
        int total = 5_000;
        Cli.Result produced = tidemq("produce", "--namesrv", server.namesrvAddr(), "--topic", topic, "--count",
                Integer.toString(total));
        List<String> sent = produced.matching(SEND_LINE).stream().map(l -> l.split(" ")[0]).toList();
        assertThat(sent).hasSize(total);

        // Ctrl-C as soon as it prints, then SIGTERM once everything was printed: each run commits what it printed
        List<String> first = consumeUntilSignalled(topic, group, false, printed -> printed >= 1);
        List<String> second = consumeUntilSignalled(topic, group, true, printed -> first.size() + printed >= total);

        assertThat(first).as("printed by both runs").doesNotContainAnyElementsOf(second);
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrderElementsOf(sent);
        server.awaitNoLag(group, Duration.ofSeconds(30));
    }

    /** Runs consume until {@code printedEnough} holds for its printed count, signals it, and returns the ids it printed. */
    private static List<String> consumeUntilSignalled(String topic, String group, boolean sigterm,
                                                      IntPredicate printedEnough) throws Exception {
        try (JvmProcess consume = cli.start("consume", "--namesrv", server.namesrvAddr(),
                "--topic", topic, "--group", group, "--timeout-ms", "120000")) {
            AtomicInteger printed = new AtomicInteger();
            consume.onLine(l -> {
                if (CONSUME_LINE.matcher(l).matches()) {
                    printed.incrementAndGet();
                }
            });
            await().atMost(COMMAND_TIMEOUT).until(() -> printedEnough.test(printed.get()));
            if (sigterm) {
                consume.terminate();
            } else {
                consume.interrupt();
            }
            assertThat(consume.waitForExit(COMMAND_TIMEOUT)).as("%s exits after the signal", consume).isTrue();
            List<String> lines = consume.lines();
            List<String> ids = lines.stream().filter(l -> CONSUME_LINE.matcher(l).matches())
                    .map(l -> l.split("\t")[0]).toList();
            assertThat(consume.exitValue()).as("exit code, output:\n%s", consume.tail(5)).isEqualTo(sigterm ? 143 : 130);
            assertThat(lines).as("summary line").contains("consumed " + ids.size() + " message(s) from topic " + topic
                    + " as group " + group + "; stopped by a signal, offsets of the printed messages committed");
            return ids;
        }
    }

    @Test
    void aConsumerStartedBeforeItsTopicExistsGetsItsFirstMessageSoonAfterAnotherProcessCreatesIt() throws Exception {
        String topic = "it-cli-late-topic";
        // the default timers: route refresh every 30 s, rebalance every 20 s
        ClientConfig config = ClientConfig.builder().namesrvAddrs(server.namesrvAddr()).instanceName("it-cli-late")
                .clientIp("127.0.0.1").build();
        CountDownLatch received = new CountDownLatch(1);
        AtomicLong receivedNs = new AtomicLong();
        try (PushConsumer consumer = PushConsumer.builder("it-cli-late-group", config).build()) {
            consumer.subscribe(topic, "*").registerListener((msgs, ctx) -> {
                receivedNs.compareAndSet(0, System.nanoTime());
                received.countDown();
                return ConsumeStatus.SUCCESS;
            });
            consumer.start();

            // another process sends the first message; the broker creates the topic on arrival
            tidemq("produce", "--namesrv", server.namesrvAddr(), "--topic", topic, "--count", "1");
            long producedNs = System.nanoTime();

            // ~1 s expected (missing topics are looked up every second); before, the next rebalance, up to 20 s
            assertThat(received.await(10, TimeUnit.SECONDS)).as("first message within 10 s of the send").isTrue();
            System.out.printf("late topic: first message consumed %d ms after the producing process exited%n",
                    Math.max(0, (receivedNs.get() - producedNs) / 1_000_000));
        }
    }

    @Test
    void consumeFailsAtOnceWhenNoNameServerAnswersOrTheTopicDoesNotExist() {
        Cli.Result noNamesrv = tidemq(1, "consume", "--namesrv", "127.0.0.1:" + FreePorts.next(),
                "--topic", TOPIC, "--group", GROUP, "--count", "1");
        assertThat(noNamesrv.text()).as(noNamesrv.toString()).contains("error: ").contains("--namesrv");

        Cli.Result unknown = tidemq(1, "consume", "--namesrv", server.namesrvAddr(), "--topic", "it-cli-no-such-topic",
                "--group", GROUP, "--count", "1");
        assertThat(unknown.text()).as(unknown.toString()).contains("error: topic 'it-cli-no-such-topic' does not exist")
                .contains("tidemq produce --topic it-cli-no-such-topic");
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
