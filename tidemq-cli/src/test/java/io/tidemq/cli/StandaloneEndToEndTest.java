package io.tidemq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
    private static final String[] SMALL_STORE = {"--set", "commitLogFileBytes=16777216",
            "--set", "consumeQueueEntriesPerFile=10000", "--set", "indexHashSlots=1000",
            "--set", "indexMaxEntriesPerFile=4000"};

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFirstMessageRoundTripsThroughStandaloneProduceAndConsume(@TempDir Path dir) throws Exception {
        Cli server = new Cli();
        List<String> args = new ArrayList<>(List.of("standalone", "--data", dir.resolve("data").toString(),
                "--namesrv-port", "0", "--broker-port", "0", "--broker-ip", "127.0.0.1"));
        args.addAll(List.of(SMALL_STORE));
        Thread serverThread = new Thread(() -> server.run(args.toArray(String[]::new)), "standalone-under-test");
        serverThread.start();
        StandaloneCommand standalone = server.sub("standalone");
        try {
            await().atMost(Duration.ofSeconds(45))
                    .until(() -> server.out.toString().contains(StandaloneCommand.READY_LINE) || !serverThread.isAlive());
            assertThat(server.err.toString()).doesNotContain("error:");
            String banner = server.out.toString();
            String ns = standalone.namesrvAddress();
            assertThat(ns).matches("127\\.0\\.0\\.1:[1-9][0-9]*");
            assertThat(banner).contains("NameServer  " + ns)
                    .contains("at " + standalone.brokerAddress())
                    .contains("Data dir    " + dir.resolve("data").toAbsolutePath())
                    .contains("bin/tidemq produce --namesrv " + ns + " --topic demo --count 10")
                    .doesNotContain("console")
                    .endsWith(StandaloneCommand.READY_LINE + System.lineSeparator());

            Cli.Result produced = Cli.exec("produce", "--namesrv", ns, "--topic", "demo", "--count", "10",
                    "--key", "order-42", "--tag", "created");
            assertThat(produced.exitCode()).as(produced.err()).isZero();
            List<String> sent = produced.out().lines().toList();
            assertThat(sent).hasSize(10).allMatch(l -> l.matches("[0-9A-F]{32} [0-9]+ [0-9]+"));
            assertThat(produced.err()).contains("created it with 8 queues").contains("sent 10 message(s)");

            Cli.Result consumed = Cli.exec("consume", "--namesrv", ns, "--topic", "demo", "--group", "demo-group",
                    "--count", "10", "--timeout-ms", "30000");
            assertThat(consumed.exitCode()).as(consumed.err()).isZero();
            List<String> received = consumed.out().lines().toList();
            assertThat(received).hasSize(10);
            assertThat(received).extracting(l -> l.split("\t")[0])
                    .containsExactlyInAnyOrderElementsOf(sent.stream().map(l -> l.split(" ")[0]).toList());
            assertThat(received).allMatch(l -> l.matches("[0-9A-F]{32}\torder-42\tcreated\thello from tidemq #[0-9]"));

            String firstId = sent.get(0).split(" ")[0];
            Cli.Result got = Cli.exec("admin", "message", "get", "--namesrv", ns, "--id", firstId);
            assertThat(got.exitCode()).as(got.err()).isZero();
            assertThat(got.out()).startsWith("Message " + firstId).contains("hello from tidemq #0");

            Cli.Result described = Cli.exec("admin", "topic", "describe", "--namesrv", ns, "--topic", "demo");
            assertThat(described.out()).as(described.err()).startsWith("Topic demo: 1 broker(s), 10 message(s) stored");

            Cli.Result group = Cli.exec("admin", "group", "describe", "--namesrv", ns, "--group", "demo-group");
            assertThat(group.out()).as(group.err()).contains("total lag 0");

            consumingFewerThanAvailableCommitsOnlyWhatWasPrinted(ns, sent);
            standardInputLinesBecomeMessages(ns);
            benchProduceAndConsumeReportTheirSummaries(ns);

            Cli.Result topics = Cli.exec("admin", "topic", "list", "--namesrv", ns, "--json");
            assertThat(topics.out()).as(topics.err()).isEqualToIgnoringWhitespace("[ \"bench\", \"demo\", \"lines\" ]");
        } finally {
            standalone.stop();
            serverThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(serverThread.isAlive()).isFalse();
        assertThat(server.out.toString()).contains("NameServer stopped").endsWith("TideMQ standalone stopped."
                + System.lineSeparator());
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
    }

    private static void consumingFewerThanAvailableCommitsOnlyWhatWasPrinted(String ns, List<String> sent) {
        List<String> ids = new ArrayList<>();
        for (int count : new int[] {3, 7}) {
            Cli.Result r = Cli.exec("consume", "--namesrv", ns, "--topic", "demo", "--group", "split-group",
                    "--count", Integer.toString(count), "--timeout-ms", "30000");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out().lines()).hasSize(count);
            r.out().lines().forEach(l -> ids.add(l.split("\t")[0]));
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(sent.stream().map(l -> l.split(" ")[0]).toList());

        Cli.Result none = Cli.exec("consume", "--namesrv", ns, "--topic", "demo", "--group", "split-group",
                "--timeout-ms", "1500");
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).contains("consumed 0 message(s)");
    }

    private static void standardInputLinesBecomeMessages(String ns) {
        Cli producer = new Cli();
        ProduceCommand produce = producer.sub("produce");
        produce.in = new java.io.ByteArrayInputStream("first line\n\nsecond\tline\n".getBytes());
        Cli.Result r = producer.run("produce", "--namesrv", ns, "--topic", "lines");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(2);

        Cli.Result read = Cli.exec("consume", "--namesrv", ns, "--topic", "lines", "--group", "lines-group",
                "--count", "2", "--timeout-ms", "30000");
        assertThat(read.out().lines()).extracting(l -> l.substring(l.lastIndexOf("\t-\t") + 3))
                .containsExactlyInAnyOrder("first line", "second\\tline");
    }
}
