package io.tidemq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.json.Json;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tidemq admin group create|update|list|describe} against a real NameServer and broker in this JVM, and
 * {@code --json} of representative admin commands parsed with Jackson.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminGroupConfigCommandTest {

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
        broker = new BrokerController(BrokerConfig.builder().brokerName("broker-g").brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1").listenPort(0).namesrvAddrs(List.of(ns)).storePath(dir.resolve("store"))
                .registerIntervalMs(500)
                .storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                .storeProperty("warmMappedFiles", "false").storeProperty("preallocateNextFile", "false").build());
        broker.start();
        admin = AdminClient.connect(ns, 10_000);
        await().atMost(WAIT).until(() -> !admin.brokers().isEmpty());
        producer = Producer.builder("gc-producer", client("gc-producer").build()).build();
        producer.start();
    }

    private ClientConfig.Builder client(String instance) {
        return ClientConfig.builder().namesrvAddrs(ns).instanceName(instance).clientIp("127.0.0.1")
                .routeRefreshIntervalMs(500).heartbeatIntervalMs(300).rebalanceIntervalMs(300).longPollingMs(500)
                .offsetCommitIntervalMs(200).offsetStoreDir(dir.resolve("offsets-" + instance));
    }

    /** A new topic with one queue holding {@code n} messages. */
    private void topicWith(String topic, int n) {
        admin.createTopic(TopicConfig.of(topic, 1), AdminTarget.all());
        admin.awaitRoute(topic, 10_000);
        for (int i = 0; i < n; i++) {
            producer.send(Message.builder(topic).keys(topic + "-" + i).body("m" + i).build());
        }
        await().atMost(WAIT).until(() -> admin.describeTopic(topic).stats().stream()
                .flatMap(st -> st.queues().stream()).allMatch(q -> q.maxOffset() == n));
    }

    @AfterAll
    void stopServers() {
        producer.close();
        admin.close();
        broker.close();
        namesrv.close();
    }

    private Cli.Result admin(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "admin";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--namesrv";
        full[args.length + 2] = ns;
        return Cli.exec(full);
    }

    private static JsonNode json(Cli.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.fromBytes(r.out().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    @Test
    void createListDescribeAndUpdateAGroupsConfiguration() {
        Cli.Result created = admin("group", "create", "--group", "billing", "--retry-max-times", "3",
                "--consume-from", "first");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created the configuration of group billing",
                "consumeEnable=true, retryMaxTimes=3, consumeFromWhere=FIRST_OFFSET");

        Cli.Result listed = admin("group", "list");
        assertThat(listed.out()).containsPattern("billing\\s+enabled\\s+3\\s+FIRST_OFFSET");
        JsonNode list = json(admin("group", "list", "--json"));
        assertThat(list.get(0).get("group").asText()).isEqualTo("billing");
        assertThat(list.get(0).get("config").get("retryMaxTimes").asInt()).isEqualTo(3);

        Cli.Result updated = admin("group", "update", "--group", "billing", "--consume-enable", "false");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("consumeEnable=false, retryMaxTimes=3, consumeFromWhere=FIRST_OFFSET");

        Cli.Result described = admin("group", "describe", "--group", "billing");
        assertThat(described.exitCode()).as(described.err()).isZero();
        assertThat(described.out()).contains("no member connected",
                "configuration consumeEnable=false, retryMaxTimes=3, consumeFromWhere=FIRST_OFFSET");
        JsonNode view = json(admin("group", "describe", "--group", "billing", "--json"));
        assertThat(view.get("brokers").get(0).get("config").get("consumeEnable").asBoolean()).isFalse();
        assertThat(admin.groupConfigs(AdminTarget.all()).values().iterator().next())
                .filteredOn(c -> c.groupName().equals("billing"))
                .singleElement().satisfies(c -> assertThat(c.consumeEnable()).isFalse());

        Cli.Result deleted = admin("group", "delete", "--group", "billing");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(admin.groupConfigs(AdminTarget.all()).values().iterator().next())
                .noneMatch(c -> c.groupName().equals("billing"));
    }

    @Test
    void theGroupsConsumeFromWinsOverTheConsumersSetting() {
        topicWith("cf", 3);
        assertThat(admin("group", "create", "--group", "cf-group", "--consume-from", "first").exitCode()).isZero();
        // the consumer asks for LAST: alone, a group new to the topic would skip the 3 messages
        PushConsumer consumer = PushConsumer.builder("cf-group", client("cf-consumer").build())
                .consumeFromWhere(ConsumeFromWhere.LAST).build();
        List<String> got = new CopyOnWriteArrayList<>();
        consumer.subscribe("cf", "*").registerListener((msgs, ctx) -> {
            msgs.forEach(m -> got.add(new String(m.body(), StandardCharsets.UTF_8)));
            return ConsumeStatus.SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(WAIT).until(() -> got.size() >= 3);
            assertThat(got).containsExactlyInAnyOrder("m0", "m1", "m2");
        } finally {
            consumer.close();
        }
    }

    @Test
    void aDisabledGroupsConsumersResumeOnceItIsEnabledAgain() {
        topicWith("ce", 2);
        assertThat(admin("group", "create", "--group", "ce-group", "--consume-enable", "false").exitCode()).isZero();
        PushConsumer consumer = PushConsumer.builder("ce-group", client("ce-consumer").pullRetryBackoffMs(200).build())
                .build();
        List<String> got = new CopyOnWriteArrayList<>();
        consumer.subscribe("ce", "*").registerListener((msgs, ctx) -> {
            msgs.forEach(m -> got.add(new String(m.body(), StandardCharsets.UTF_8)));
            return ConsumeStatus.SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(WAIT).until(() -> !admin.onlineMembers("ce-group").isEmpty());
            assertThat(got).as("refused while disabled").isEmpty();
            assertThat(admin("group", "update", "--group", "ce-group", "--consume-enable", "true").exitCode()).isZero();
            await().atMost(WAIT).until(() -> got.size() >= 2);
            assertThat(got).containsExactlyInAnyOrder("m0", "m1");
        } finally {
            consumer.close();
        }
    }

    @Test
    void theGroupsRetryMaxTimesDeadLettersWhateverTheConsumerAsks() {
        topicWith("rm", 1);
        assertThat(admin("group", "create", "--group", "rm-group", "--retry-max-times", "0").exitCode()).isZero();
        // no --consume-from: the consumer's default (FIRST) decides, so it gets the message sent before it started;
        // it keeps its default maxReconsumeTimes (16): alone, the message would be retried for hours
        PushConsumer consumer = PushConsumer.builder("rm-group", client("rm-consumer").build()).build();
        consumer.subscribe("rm", "*").registerListener((msgs, ctx) -> ConsumeStatus.RETRY);
        consumer.start();
        try {
            await().atMost(WAIT).until(() -> admin("dlq", "list", "--group", "rm-group").out().contains("rm-0"));
        } finally {
            consumer.close();
        }
        JsonNode dead = json(admin("dlq", "list", "--group", "rm-group", "--json"));
        assertThat(dead.toString()).contains("rm-0");
    }

    @Test
    void aSecondCreateAndAnUpdateOfAnUnconfiguredGroupFailWithExitOne() {
        assertThat(admin("group", "create", "--group", "twice").exitCode()).isZero();

        Cli.Result again = admin("group", "create", "--group", "twice");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already has a configuration", "admin group update");

        Cli.Result missing = admin("group", "update", "--group", "never-created", "--retry-max-times", "2");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("has no configuration", "admin group create --group never-created");
    }

    @Test
    void invalidNamesAndValuesAreUsageErrorsFoundBeforeAnythingIsSent() {
        String[][] bad = {
                {"group", "create", "--group", "bad name!"},
                {"group", "create", "--group", "g1", "--retry-max-times", "1001"},
                {"group", "create", "--group", "g1", "--retry-max-times", "-1"},
                {"group", "create", "--group", "g1", "--consume-from", "middle"},
                {"group", "create", "--group", "g1", "--consume-enable", "maybe"},
                {"group", "update", "--group", "g1"},
        };
        for (String[] args : bad) {
            Cli.Result r = admin(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: ");
        }
        assertThat(admin("group", "create", "--group", "g1", "--retry-max-times", "1001").err())
                .contains("--retry-max-times");
        assertThat(admin("group", "create", "--group", "g1", "--consume-from", "middle").err())
                .contains("--consume-from");
        assertThat(admin.groupConfigs(AdminTarget.all()).values().iterator().next())
                .noneMatch(c -> c.groupName().equals("g1"));
    }

    @Test
    void representativeCommandsPrintJsonThatJacksonParses() {
        admin.createTopic(TopicConfig.of("json-topic", 2), AdminTarget.all());
        admin.awaitRoute("json-topic", 10_000);
        admin("group", "create", "--group", "json-group");

        assertThat(json(admin("cluster", "list", "--json")).isContainerNode()).isTrue();
        assertThat(json(admin("topic", "list", "--json")).toString()).contains("json-topic");
        assertThat(json(admin("topic", "describe", "--topic", "json-topic", "--json")).toString())
                .contains("json-topic");
        assertThat(json(admin("group", "list", "--json")).toString()).contains("json-group");
        assertThat(json(admin("config", "get", "--broker", broker.address(), "--key", "maxPullMessages", "--json"))
                .toString()).contains("maxPullMessages");
        assertThat(json(admin("message", "list", "--topic", "json-topic", "--queue", "broker-g:0", "--offset", "0",
                "--json")).has("complete")).isTrue();
        assertThat(json(admin("group", "update", "--group", "json-group", "--retry-max-times", "7", "--json"))
                .toString()).contains("\"retryMaxTimes\":7");
    }
}
