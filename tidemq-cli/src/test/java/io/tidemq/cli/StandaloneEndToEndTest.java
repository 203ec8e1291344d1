package io.tidemq.cli;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code standalone} in this JVM, driven through the command objects like a user at a terminal. */
class StandaloneEndToEndTest {

    /** Small files so the test writes megabytes, not gigabytes. */
    private static final List<String> SMALL_STORE = List.of("--set", "commitLogFileBytes=16777216",
            "--set", "consumeQueueEntriesPerFile=10000", "--set", "indexHashSlots=1000",
            "--set", "indexMaxEntriesPerFile=4000");

    /** A standalone running on its own thread, as {@code bin/tidemq standalone} would in a terminal. */
    private static final class Running implements AutoCloseable {
        final Cli server = new Cli();
        final Thread thread;
        final StandaloneCommand command;
        final Path data;

        Running(Path dir) {
            data = dir.resolve("data");
            List<String> args = new ArrayList<>(List.of("standalone", "--data", data.toString(),
                    "--namesrv-port", "0", "--broker-port", "0", "--console-port", "0", "--metrics-port", "0"));
            args.addAll(SMALL_STORE);
            thread = new Thread(() -> server.run(args.toArray(String[]::new)), "standalone-under-test");
            command = server.sub("standalone");
            thread.start();
            await().atMost(Duration.ofSeconds(45))
                    .until(() -> server.out.toString().contains(StandaloneCommand.READY_LINE) || !thread.isAlive());
            assertThat(server.err.toString()).doesNotContain("error:");
            assertThat(thread.isAlive()).as(server.out + "\n" + server.err).isTrue();
        }

        String ns() {
            return command.namesrvAddress();
        }

        @Override
        public void close() throws InterruptedException {
            command.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** An operator sees how many delayed messages wait: {@code admin cluster stats} shows timerScheduled. */
    private static void scheduledMessagesShowInBrokerStats(String ns) {
        ClientConfig config = ClientConfig.builder().namesrvAddrs(ns).instanceName("stats-test").build();
        try (Producer producer = Producer.builder("stats-pg", config).build()) {
            producer.start();
            producer.send(Message.builder("later").delayMs(3_600_000).body("in an hour").build());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Cli.Result stats = Cli.exec("admin", "cluster", "stats", "--namesrv", ns);
            assertThat(stats.exitCode()).as(stats.err()).isZero();
            assertThat(stats.out()).startsWith("BROKER ").containsPattern("timerScheduled\\s+1\\b");
        });
    }

    /** The console's own {@code /metrics} (no login) is valid Prometheus text by promtool, like every role's. */
    private static void consoleMetricsPassPromtool(String banner) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Console     (http://127\\.0\\.0\\.1:[0-9]+/)")
                .matcher(banner);
        assertThat(m.find()).as(banner).isTrue();
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("tidemq_console_sampled_groups");
        Promtool.Result checked = Promtool.checkMetrics(r.body());
        assertThat(checked.exitCode()).as("promtool check metrics said:%n%s%nfor:%n%s", checked.output(), r.body())
                .isZero();
    }

    private static List<String> ids(List<String> lines, String separator) {
        return lines.stream().map(l -> l.split(separator)[0]).toList();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFirstMessageRoundTripsThroughStandaloneProduceAndConsume(@TempDir Path dir) throws Exception {
        Running standalone = new Running(dir);
        try (standalone) {
            String ns = standalone.ns();
            // loopback by default: listening and advertised
            assertThat(ns).matches("127\\.0\\.0\\.1:[1-9][0-9]*");
            assertThat(standalone.command.brokerAddress()).matches("127\\.0\\.0\\.1:[1-9][0-9]*");
            assertThat(standalone.server.out.toString()).contains("(listening on 127.0.0.1:")
                    .contains("Reachable from this machine only");
            assertThat(standalone.server.out.toString()).contains("NameServer  " + ns)
                    .contains("at " + standalone.command.brokerAddress())
                    .contains("Data dir    " + standalone.data.toAbsolutePath())
                    .contains("bin/tidemq produce --namesrv " + ns + " --topic demo --count 10")
                    .containsPattern("  Console     http://127\\.0\\.0\\.1:[1-9][0-9]*/")
                    .contains("log in as admin with password ")
                    .endsWith(StandaloneCommand.READY_LINE + System.lineSeparator());
            consoleMetricsPassPromtool(standalone.server.out.toString());

            Cli.Result produced = Cli.exec("produce", "--namesrv", ns, "--topic", "demo", "--count", "10",
                    "--key", "order-42", "--tag", "created");
            assertThat(produced.exitCode()).as(produced.err()).isZero();
            List<String> sent = produced.out().lines().toList();
            assertThat(sent).hasSize(10).allMatch(l -> l.matches("[0-9A-F]{32} [0-9]+ [0-9]+"));
            // "demo" did not exist: the producer used the auto-creating broker's default route and the broker
            // created the topic on arrival, with no admin step
            assertThat(produced.err()).contains("sent 10 message(s)").doesNotContain("created it");

            Cli.Result consumed = Cli.exec("consume", "--namesrv", ns, "--topic", "demo", "--group", "demo-group",
                    "--count", "10", "--timeout-ms", "30000");
            assertThat(consumed.exitCode()).as(consumed.err()).isZero();
            List<String> received = consumed.out().lines().toList();
            assertThat(received).hasSize(10);
            assertThat(ids(received, "\t")).containsExactlyInAnyOrderElementsOf(ids(sent, " "));
            assertThat(received).allMatch(l -> l.matches("[0-9A-F]{32}\torder-42\tcreated\thello from tidemq #[0-9]"));

            String firstId = sent.get(0).split(" ")[0];
            Cli.Result got = Cli.exec("admin", "message", "get", "--namesrv", ns, "--id", firstId);
            assertThat(got.exitCode()).as(got.err()).isZero();
            assertThat(got.out()).startsWith("Message " + firstId).contains("hello from tidemq #0");
            Cli.Result byKey = Cli.exec("admin", "message", "get", "--namesrv", ns, "--key", "order-42", "--topic", "demo");
            assertThat(byKey.out()).as(byKey.err()).contains(firstId);

            Cli.Result described = Cli.exec("admin", "topic", "describe", "--namesrv", ns, "--topic", "demo");
            assertThat(described.out()).as(described.err()).startsWith("Topic demo: 1 broker(s), 10 message(s) stored");

            Cli.Result group = Cli.exec("admin", "group", "describe", "--namesrv", ns, "--group", "demo-group");
            assertThat(group.out()).as(group.err()).startsWith("Consumer group demo-group:")
                    .contains("broker-a  demo   7");

            standardInputLinesBecomeMessages(ns);
            benchProduceAndConsumeReportTheirSummaries(ns);

            Cli.Result topics = Cli.exec("admin", "topic", "list", "--namesrv", ns, "--json");
            assertThat(topics.out()).as(topics.err()).isEqualToIgnoringWhitespace(
                    "[ \"bench\", \"demo\", \"lines\", \"many-0\", \"many-1\", \"many-2\", \"warmed\" ]");

            Cli.Result withSystem = Cli.exec("admin", "topic", "list", "--namesrv", ns, "--system");
            assertThat(withSystem.out().lines()).as(withSystem.err())
                    .contains("demo", "TIDEMQ_SYS_AUTO_CREATE");

            scheduledMessagesShowInBrokerStats(ns);
        }
        assertThat(standalone.thread.isAlive()).isFalse();
        assertThat(standalone.server.out.toString()).contains("NameServer stopped")
                .endsWith("TideMQ standalone stopped." + System.lineSeparator());
    }

    /** docs/client.md, "Batching async sends"; docs/cli.md, bench produce --linger-ms. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void benchProduceCanPackAsyncSendsIntoBatchRequestsAndStoresEachMessageOnce(@TempDir Path dir) throws Exception {
        try (Running standalone = new Running(dir)) {
            String ns = standalone.ns();
            Cli.Result lingered = Cli.exec("bench", "produce", "--namesrv", ns, "--topic", "lingered", "--queues-per-topic",
                    "2", "--threads", "2", "--size", "200", "--count", "500", "--async", "--inflight", "64",
                    "--linger-ms", "5", "--batch-max-bytes", "4096");
            assertThat(lingered.exitCode()).as(lingered.err()).isZero();
            assertThat(lingered.out()).contains("packed into batch requests of up to 4096 bytes after up to 5 ms")
                    .contains("total       500 messages").contains("(0 failed)");
            Cli.Result lingeredTopic = Cli.exec("admin", "topic", "describe", "--namesrv", ns, "--topic", "lingered");
            assertThat(lingeredTopic.out()).as(lingeredTopic.err()).startsWith("Topic lingered: 1 broker(s), 500 message(s) stored");
            Cli.Result notAsync = Cli.exec("bench", "produce", "--namesrv", ns, "--topic", "lingered", "--count", "1",
                    "--linger-ms", "5");
            assertThat(notAsync.exitCode()).isNotZero();
            assertThat(notAsync.err()).contains("--linger-ms packs async sends of single messages: give --async and no --batch");
        }
    }

    /**
     * Guards the commit race that once made this flaky: a PULL_MESSAGE sent before commitSync carries an
     * older offset as commitOffset; the broker now applies piggybacked offsets only when they advance.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void standaloneServesTheMetricsOfBothRolesOnTheUrlItPrints(@TempDir Path dir) throws Exception {
        try (Running standalone = new Running(dir)) {
            java.util.regex.Matcher url = java.util.regex.Pattern.compile("Metrics {5}(http://\\S+/metrics)")
                    .matcher(standalone.server.out.toString());
            assertThat(url.find()).as(standalone.server.out.toString()).isTrue();
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("tidemq_namesrv_brokers", "tidemq_store_writable{", "broker=\"broker-a\"");
            Promtool.Result check = Promtool.checkMetrics(r.body());
            assertThat(check.exitCode()).as(check.output()).isZero();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void consumingFewerThanAvailableCommitsExactlyWhatWasPrinted(@TempDir Path dir) throws Exception {
        try (Running standalone = new Running(dir)) {
            String ns = standalone.ns();
            List<String> sent = Cli.exec("produce", "--namesrv", ns, "--topic", "demo", "--count", "10").out().lines().toList();
            List<String> ids = new ArrayList<>();
            for (int count : new int[] {3, 7}) {
                Cli.Result r = Cli.exec("consume", "--namesrv", ns, "--topic", "demo", "--group", "split-group",
                        "--count", Integer.toString(count), "--timeout-ms", "30000");
                assertThat(r.exitCode()).as(r.err()).isZero();
                assertThat(r.out().lines()).hasSize(count);
                ids.addAll(ids(r.out().lines().toList(), "\t"));
            }
            assertThat(ids).containsExactlyInAnyOrderElementsOf(ids(sent, " "));

            Cli.Result none = Cli.exec("consume", "--namesrv", ns, "--topic", "demo", "--group", "split-group",
                    "--timeout-ms", "1500");
            assertThat(none.out()).isEmpty();
            assertThat(none.err()).contains("consumed 0 message(s)");
            Cli.Result group = Cli.exec("admin", "group", "describe", "--namesrv", ns, "--group", "split-group");
            assertThat(group.out()).contains("total lag 0");
        }
    }

    private static void standardInputLinesBecomeMessages(String ns) {
        Cli producer = new Cli();
        ProduceCommand produce = producer.sub("produce");
        produce.in = new ByteArrayInputStream("first line\n\nsecond\tline\n".getBytes(StandardCharsets.UTF_8));
        Cli.Result r = producer.run("produce", "--namesrv", ns, "--topic", "lines");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(2);

        Cli.Result read = Cli.exec("consume", "--namesrv", ns, "--topic", "lines", "--group", "lines-group",
                "--count", "2", "--timeout-ms", "30000");
        assertThat(read.out().lines()).extracting(l -> l.substring(l.lastIndexOf("\t-\t") + 3))
                .containsExactlyInAnyOrder("first line", "second\\tline");
    }

    private static void benchProduceAndConsumeReportTheirSummaries(String ns) {
        Cli.Result produced = Cli.exec("bench", "produce", "--namesrv", ns, "--topic", "bench", "--threads", "2",
                "--size", "128", "--count", "300", "--batch", "4", "--async", "--inflight", "16");
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        assertThat(produced.out()).contains("bench produce summary")
                .contains("total       300 messages").contains("(0 failed)")
                .containsPattern("send latency p50 [0-9.]+ ms, p99 [0-9.]+ ms, p999 [0-9.]+ ms");

        Cli.Result consumed = Cli.exec("bench", "consume", "--namesrv", ns, "--topic", "bench", "--group", "bench-group",
                "--from", "first", "--count", "300", "--idle-timeout-ms", "30000");
        assertThat(consumed.exitCode()).as(consumed.err()).isZero();
        assertThat(consumed.out()).contains("bench consume summary").containsPattern("total       3[0-9][0-9] messages")
                .containsPattern("e2e latency p50 [0-9.]+ ms");

        // many-topics mode: fresh topics created with the asked queue count (not the auto-creating broker's default
        // of 8), each thread going round them message by message
        Cli.Result many = Cli.exec("bench", "produce", "--namesrv", ns, "--topic", "many", "--topics", "3",
                "--queues-per-topic", "2", "--threads", "1", "--size", "64", "--count", "30");
        assertThat(many.exitCode()).as(many.err()).isZero();
        assertThat(many.out()).contains("bench produce: 3 topics, 6 queues in all")
                .contains("total       30 messages").contains("(0 failed)");
        assertThat(many.err()).contains("3 topics did not exist ('many-0' ...): created them with 2 queues");
        for (int i = 0; i < 3; i++) {
            Cli.Result described = Cli.exec("admin", "topic", "describe", "--namesrv", ns, "--topic", "many-" + i);
            assertThat(described.out()).as(described.err()).startsWith("Topic many-" + i + ": 1 broker(s), 10 message(s) stored");
        }

        // a warm-up in the same JVM: its sends go to the topic but not into the measured count or the summary
        Cli.Result warmed = Cli.exec("bench", "produce", "--namesrv", ns, "--topic", "warmed", "--queues-per-topic", "1",
                "--threads", "2", "--size", "64", "--warmup-seconds", "1", "--count", "40");
        assertThat(warmed.exitCode()).as(warmed.err()).isZero();
        assertThat(warmed.out()).contains("for 40 messages after a 1-s warm-up")
                .containsPattern("warm-up: [0-9,]+ messages in [0-9.]+ s \\([0-9,]+ msgs/s, 0 failed\\)")
                .contains("total       40 messages").contains("(0 failed)");
        long warmupMessages = Long.parseLong(warmed.out().lines().filter(l -> l.startsWith("warm-up: ")).findFirst()
                .orElseThrow().replaceAll("^warm-up: ([0-9,]+) messages.*$", "$1").replace(",", ""));
        assertThat(warmupMessages).isPositive();
        Cli.Result warmedTopic = Cli.exec("admin", "topic", "describe", "--namesrv", ns, "--topic", "warmed");
        assertThat(warmedTopic.out()).as(warmedTopic.err())
                .startsWith("Topic warmed: 1 broker(s), " + (warmupMessages + 40) + " message(s) stored");
    }
}
