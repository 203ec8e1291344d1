package io.tidemq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.OffsetResetSpec;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.Message;
import io.tidemq.common.protocol.body.ClusterStats;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operations commands of {@code tidemq admin} against a real NameServer and broker in this JVM: cluster
 * overview (figures reported with the registration), group reset-offsets (dry run, execute, refusal while
 * online, every target kind, export and file), clone-offsets, delete, message list (bounded, with the
 * incomplete marker) and broker drain/undrain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminOperationsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private NamesrvController namesrv;
    private BrokerController broker;
    private String ns;
    private AdminClient admin;
    private Producer producer;

    @BeforeAll
    void startServers() {
        namesrv = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1").build());
        namesrv.start();
        ns = "127.0.0.1:" + namesrv.port();
        broker = new BrokerController(BrokerConfig.builder().brokerName("broker-o").brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1").listenPort(0).namesrvAddrs(List.of(ns)).storePath(dir.resolve("store"))
                .registerIntervalMs(500).longPollingCheckIntervalMs(50)
                .storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                .storeProperty("warmMappedFiles", "false").storeProperty("preallocateNextFile", "false").build());
        broker.start();
        admin = AdminClient.connect(ns, 10_000);
        await().atMost(WAIT).until(() -> !admin.brokers().isEmpty());
        producer = Producer.builder("ops-producer", client("producer").build()).build();
        producer.start();
    }

    @AfterAll
    void stopServers() {
        producer.close();
        admin.close();
        broker.close();
        namesrv.close();
    }

    private ClientConfig.Builder client(String instance) {
        return ClientConfig.builder().namesrvAddrs(ns).instanceName(instance).clientIp("127.0.0.1")
                .routeRefreshIntervalMs(500).heartbeatIntervalMs(300).rebalanceIntervalMs(300).longPollingMs(500)
                .offsetCommitIntervalMs(200).offsetStoreDir(dir.resolve("offsets-" + instance));
    }

    /** A new topic with {@code queues} queues and {@code perQueue} messages in each (sent to queue by queue). */
    private void topicWith(String topic, int queues, int perQueue) {
        admin.createTopic(TopicConfig.of(topic, queues), AdminTarget.all());
        admin.awaitRoute(topic, 10_000);
        for (int q = 0; q < queues; q++) {
            int queue = q;
            for (int i = 0; i < perQueue; i++) {
                producer.send(Message.builder(topic).tag("t" + queue).keys("k-" + queue + "-" + i)
                        .body("body " + queue + "/" + i).build(), (mqs, msg, arg) -> mqs.get(queue), null);
            }
        }
        // a send is acknowledged once stored; its ConsumeQueue entry follows shortly (dispatch): wait for it
        await().atMost(WAIT).until(() -> admin.describeTopic(topic).stats().stream()
                .flatMap(st -> st.queues().stream()).allMatch(q -> q.maxOffset() == perQueue));
    }

    private static JsonNode json(Cli.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.fromBytes(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
    }

    @Test
    void clusterOverviewShowsTheFiguresBrokersReportWithTheirRegistration() {
        topicWith("ov", 1, 5);
        await().atMost(WAIT).until(() -> {
            ClusterStats s = admin.clusterStats();
            return s.brokers().size() == 1 && s.brokers().get(0).figures() != null
                    && s.brokers().get(0).figures().putMessagesTotal() >= 5;
        });
        ClusterStats.Entry e = admin.clusterStats().brokers().get(0);
        assertThat(e.brokerName()).isEqualTo("broker-o");
        assertThat(e.figures().role()).isEqualTo("MASTER");
        assertThat(e.figures().version()).isNotBlank();
        assertThat(e.figures().storeWriteState()).isEqualTo("WRITABLE");
        assertThat(e.figures().diskTotalBytes()).isPositive();
        assertThat(e.figures().diskUsedRatio()).isBetween(0.0, 1.0);

        Cli.Result table = Cli.exec("admin", "cluster", "overview", "--namesrv", ns);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("ROLE", "IN MSG/S", "DISK USED", "broker-o", "MASTER", "WRITABLE");
        JsonNode j = json(Cli.exec("admin", "cluster", "overview", "--namesrv", ns, "--json"));
        assertThat(j.get("brokers").get(0).get("figures").get("putMessagesTotal").asLong()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void resetOffsetsIsADryRunByDefaultAndPrintsOldAndNewOffsetsPerQueue() {
        topicWith("rs", 2, 10);
        admin.resetOffsets("rs-group", "rs", OffsetResetSpec.offset(7), false); // committed 7 on both queues

        Cli.Result dry = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rs-group",
                "--topic", "rs", "--to-earliest");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("Dry run", "OLD OFFSET", "NEW OFFSET", "MESSAGES", "Nothing was changed",
                "--execute");
        assertThat(dry.out()).containsPattern("broker-o\\s+0\\s+0\\s+10\\s+7\\s+0\\s+\\+7\\s+10");
        assertThat(dry.out()).containsPattern("broker-o\\s+1\\s+0\\s+10\\s+7\\s+0\\s+\\+7\\s+10");
        assertThat(dry.err()).contains("Planning");
        // nothing changed
        assertThat(admin.planOffsetReset("rs-group", "rs", OffsetResetSpec.latest()).rows())
                .allSatisfy(r -> assertThat(r.oldOffset()).isEqualTo(7));

        Cli.Result done = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rs-group",
                "--topic", "rs", "--shift-by", "-3", "--execute");
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(done.out()).contains("Committed");
        assertThat(admin.planOffsetReset("rs-group", "rs", OffsetResetSpec.latest()).rows())
                .allSatisfy(r -> assertThat(r.oldOffset()).isEqualTo(4));

        Cli.Result latestRun = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rs-group",
                "--topic", "rs", "--to-latest", "--execute", "--json");
        // progress goes to stderr, so stdout stays parseable JSON
        assertThat(latestRun.err()).contains("reset-offsets: planning 1/2 queue(s), last broker-o:0",
                "reset-offsets: planning 2/2 queue(s), last broker-o:1", "reset-offsets: resetting 2/2 queue(s)");
        assertThat(latestRun.out()).doesNotContain("reset-offsets:");
        JsonNode latest = json(latestRun);
        assertThat(latest.get("executed").asBoolean()).isTrue();
        assertThat(latest.get("rows").get(0).get("oldOffset").asLong()).isEqualTo(4);
        assertThat(latest.get("rows").get(0).get("newOffset").asLong()).isEqualTo(10);
        assertThat(latest.get("rows").get(0).get("messageDelta").asLong()).isEqualTo(-6);
    }

    @Test
    void resetOffsetsByTimeDurationOffsetAndFromAnExportedFile() throws Exception {
        topicWith("rt", 1, 6);
        Cli.Result byTime = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rt-group",
                "--topic", "rt", "--to-time", "2000-01-01T00:00:00Z", "--execute");
        assertThat(byTime.exitCode()).as(byTime.err()).isZero();
        assertThat(admin.planOffsetReset("rt-group", "rt", OffsetResetSpec.latest()).rows().get(0).oldOffset()).isZero();

        Cli.Result byDuration = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rt-group",
                "--topic", "rt", "--by-duration", "1d");
        assertThat(byDuration.exitCode()).as(byDuration.err()).isZero();
        assertThat(byDuration.out()).containsPattern("broker-o\\s+0\\s+0\\s+6\\s+0\\s+0\\s+0\\s+6");

        Path plan = dir.resolve("plan.csv");
        Cli.Result export = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rt-group",
                "--topic", "rt", "--to-offset", "4", "--export", plan.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(plan)).contains("rt,broker-o,0,4");
        assertThat(admin.planOffsetReset("rt-group", "rt", OffsetResetSpec.latest()).rows().get(0).oldOffset()).isZero();

        Cli.Result fromFile = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rt-group",
                "--topic", "rt", "--from-file", plan.toString(), "--execute");
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(admin.planOffsetReset("rt-group", "rt", OffsetResetSpec.latest()).rows().get(0).oldOffset())
                .isEqualTo(4);

        Files.writeString(plan, "other,broker-o,0,1\n");
        Cli.Result wrongTopic = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "rt-group",
                "--topic", "rt", "--from-file", plan.toString());
        assertThat(wrongTopic.exitCode()).isEqualTo(2);
        assertThat(wrongTopic.err()).contains("--from-file", "line 1", "--topic");
    }

    @Test
    void resetOffsetsIsRefusedWhileTheGroupIsOnlineUnlessForced() {
        topicWith("ro", 1, 3);
        PushConsumer consumer = PushConsumer.builder("ro-group", client("ro-consumer").build()).build();
        AtomicInteger consumed = new AtomicInteger();
        consumer.subscribe("ro", "*").registerListener((msgs, ctx) -> {
            consumed.addAndGet(msgs.size());
            return ConsumeStatus.SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(WAIT).until(() -> !admin.onlineMembers("ro-group").isEmpty());
            Cli.Result dry = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "ro-group",
                    "--topic", "ro", "--to-earliest");
            assertThat(dry.exitCode()).as(dry.err()).isZero();
            assertThat(dry.err()).contains("members online", "--force");

            Cli.Result refused = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "ro-group",
                    "--topic", "ro", "--to-earliest", "--execute");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("online", "nothing was changed", "--force");

            Cli.Result forced = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "ro-group",
                    "--topic", "ro", "--to-earliest", "--execute", "--force");
            assertThat(forced.exitCode()).as(forced.err()).isZero();
            assertThat(forced.out()).contains("Committed");

            Cli.Result delete = Cli.exec("admin", "group", "delete", "--namesrv", ns, "--group", "ro-group");
            assertThat(delete.exitCode()).isEqualTo(1);
            assertThat(delete.err()).contains("online", "--force");
        } finally {
            consumer.close();
        }
    }

    @Test
    void resetOffsetsUsageErrorsNameTheFlags() {
        Cli.Result two = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "g", "--topic", "t",
                "--to-earliest", "--to-latest");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("--to-earliest", "--to-latest");
        Cli.Result none = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "g", "--topic", "t");
        assertThat(none.exitCode()).isEqualTo(2);
        Cli.Result force = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "g", "--topic", "t",
                "--to-earliest", "--force");
        assertThat(force.exitCode()).isEqualTo(2);
        assertThat(force.err()).contains("--force", "--execute");
        Cli.Result time = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "g", "--topic", "t",
                "--to-time", "yesterday");
        assertThat(time.exitCode()).isEqualTo(2);
        assertThat(time.err()).contains("--to-time", "ISO-8601");
        Cli.Result duration = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "g", "--topic",
                "t", "--by-duration", "ten minutes");
        assertThat(duration.exitCode()).isEqualTo(2);
        assertThat(duration.err()).contains("--by-duration");
    }

    @Test
    void cloneOffsetsCopiesEveryCommittedOffsetAndDeleteForgetsThem() {
        topicWith("cl", 2, 5);
        admin.resetOffsets("cl-a", "cl", OffsetResetSpec.offset(3), false);

        Cli.Result cloned = Cli.exec("admin", "group", "clone-offsets", "--namesrv", ns, "--from", "cl-a", "--to", "cl-b");
        assertThat(cloned.exitCode()).as(cloned.err()).isZero();
        assertThat(cloned.out()).contains("Copied 2 offset(s)");
        assertThat(admin.planOffsetReset("cl-b", "cl", OffsetResetSpec.latest()).rows())
                .allSatisfy(r -> assertThat(r.oldOffset()).isEqualTo(3));

        Cli.Result same = Cli.exec("admin", "group", "clone-offsets", "--namesrv", ns, "--from", "cl-a", "--to", "cl-a");
        assertThat(same.exitCode()).isEqualTo(2);

        JsonNode deleted = json(Cli.exec("admin", "group", "delete", "--namesrv", ns, "--group", "cl-b", "--json"));
        assertThat(deleted.get("brokers")).hasSize(1);
        assertThat(admin.planOffsetReset("cl-b", "cl", OffsetResetSpec.latest()).rows())
                .allSatisfy(r -> assertThat(r.oldOffset()).isEqualTo(-1));
        Cli.Result again = Cli.exec("admin", "group", "delete", "--namesrv", ns, "--group", "cl-b");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("cl-b");
    }

    @Test
    void messageListReadsAQueueBoundedAndSaysWhenItIsIncomplete() {
        topicWith("ml", 2, 5);
        Cli.Result cut = Cli.exec("admin", "message", "list", "--namesrv", ns, "--topic", "ml", "--queue", "broker-o:1",
                "--offset", "1", "--count", "2");
        assertThat(cut.exitCode()).as(cut.err()).isZero();
        assertThat(cut.out()).contains("k-1-1", "k-1-2", "INCOMPLETE", "--queue broker-o:1 --offset 3")
                .doesNotContain("k-1-3", "k-0-");

        Cli.Result rest = Cli.exec("admin", "message", "list", "--namesrv", ns, "--topic", "ml", "--queue", "broker-o:1",
                "--offset", "3");
        assertThat(rest.out()).contains("k-1-3", "k-1-4", "complete").doesNotContain("INCOMPLETE");

        Cli.Result byTimeRun = Cli.exec("admin", "message", "list", "--namesrv", ns, "--topic", "ml", "--from",
                "2000-01-01T00:00:00Z", "--count", "3", "--json");
        assertThat(byTimeRun.err()).contains("message list: listing 1/2 queue(s)", "message list: listing 2/2 queue(s)");
        JsonNode byTime = json(byTimeRun);
        assertThat(byTime.get("complete").asBoolean()).isFalse();
        assertThat(byTime.get("queues")).hasSize(2);
        assertThat(byTime.get("queues").get(0).get("messages")).hasSize(3);
        assertThat(byTime.get("queues").get(0).get("nextOffset").asLong()).isEqualTo(3);

        JsonNode all = json(Cli.exec("admin", "message", "list", "--namesrv", ns, "--topic", "ml", "--from",
                "2000-01-01T00:00:00Z", "--json"));
        assertThat(all.get("complete").asBoolean()).isTrue();

        JsonNode future = json(Cli.exec("admin", "message", "list", "--namesrv", ns, "--topic", "ml", "--from",
                "2000-01-01T00:00:00Z", "--to", "2000-01-02T00:00:00Z", "--json"));
        assertThat(future.get("complete").asBoolean()).isTrue();
        assertThat(future.get("queues").get(0).get("messages")).isEmpty();

        Cli.Result badQueue = Cli.exec("admin", "message", "list", "--namesrv", ns, "--topic", "ml", "--queue", "1",
                "--offset", "0");
        assertThat(badQueue.exitCode()).isEqualTo(2);
        assertThat(badQueue.err()).contains("--queue");
    }

    @Test
    void drainRoutesTheBrokersTopicsReadOnlyUntilUndrained() {
        topicWith("dr", 1, 1);
        String addr = broker.address();
        Cli.Result usage = Cli.exec("admin", "broker", "drain", "--namesrv", ns);
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("--broker");

        Cli.Result drained = Cli.exec("admin", "broker", "drain", "--namesrv", ns, "--broker", addr);
        assertThat(drained.exitCode()).as(drained.err()).isZero();
        assertThat(drained.out()).contains(addr + ": drained");
        await().atMost(WAIT).until(() -> !Perm.isWritable(admin.route("dr").queueDatas().get(0).perm()));
        assertThat(Perm.isReadable(admin.route("dr").queueDatas().get(0).perm())).isTrue();
        await().atMost(WAIT).until(() -> admin.clusterStats().brokers().get(0).figures().drained());

        Cli.Result twice = Cli.exec("admin", "broker", "drain", "--namesrv", ns, "--broker", addr);
        assertThat(twice.out()).contains("was already drained");

        JsonNode undrained = json(Cli.exec("admin", "broker", "undrain", "--namesrv", ns, "--broker", addr, "--json"));
        assertThat(undrained.get("changed").get(addr).asBoolean()).isTrue();
        await().atMost(WAIT).until(() -> Perm.isWritable(admin.route("dr").queueDatas().get(0).perm()));
    }

    @Test
    void aMistypedGroupIsTheSameFailureForEveryCommandNamingIt() {
        String[][] commands = {
                {"admin", "group", "describe", "--group", "no-such-group"},
                {"admin", "group", "delete", "--group", "no-such-group"},
                {"admin", "group", "clone-offsets", "--from", "no-such-group", "--to", "other-group"},
                {"admin", "dlq", "list", "--group", "no-such-group"},
                {"admin", "dlq", "resend", "--group", "no-such-group", "--all"},
        };
        for (String[] command : commands) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                    java.util.stream.Stream.of("--namesrv", ns)).toArray(String[]::new);
            Cli.Result r = Cli.exec(args);
            assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.out() + r.err()).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", command))
                    .contains("consumer group 'no-such-group' is unknown to every broker");
        }
    }

    @Test
    void aMistypedTopicIsTheSameFailureForEveryCommandNamingIt() {
        String[][] commands = {
                {"admin", "topic", "describe", "--topic", "no-such-topic"},
                {"admin", "topic", "delete", "--topic", "no-such-topic"},
                {"admin", "message", "list", "--topic", "no-such-topic", "--from", "0"},
                {"admin", "message", "get", "--key", "k", "--topic", "no-such-topic"},
                {"admin", "group", "reset-offsets", "--group", "g", "--topic", "no-such-topic", "--to-earliest"},
                {"consume", "--topic", "no-such-topic", "--group", "g", "--count", "1", "--timeout-ms", "1000"},
        };
        for (String[] command : commands) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
                    java.util.stream.Stream.of("--namesrv", ns)).toArray(String[]::new);
            Cli.Result r = Cli.exec(args);
            assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.err()).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", command)).contains("topic 'no-such-topic' does not exist");
        }
    }
}
