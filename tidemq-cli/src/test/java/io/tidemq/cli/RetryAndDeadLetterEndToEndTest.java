package io.tidemq.cli;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries through a real broker (in this JVM, with the back-off shortened to 1s, 1s, 2s): a push consumer
 * whose listener fails, and {@code tidemq admin dlq list/resend} through the command objects.
 */
class RetryAndDeadLetterEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SCHEDULE_TOTAL_MS = 1_000 + 1_000 + 2_000;

    @TempDir
    Path dir;

    private NamesrvController namesrv;
    private BrokerController broker;
    private String ns;
    private final List<AutoCloseable> clients = new ArrayList<>();

    /** One delivery as the listener saw it. */
    private record Delivery(String msgId, String topic, int reconsumeTimes, String originMsgId, long atMs) {
    }

    @BeforeEach
    void startServers() {
        namesrv = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1").build());
        namesrv.start();
        ns = "127.0.0.1:" + namesrv.port();
        broker = new BrokerController(BrokerConfig.builder().brokerName("broker-r").brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1").listenPort(0)
                .namesrvAddrs(List.of(ns)).storePath(dir.resolve("store")).registerIntervalMs(1_000)
                .longPollingCheckIntervalMs(50).retryBackoffSchedule("1s 1s 2s")
                .storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                .storeProperty("warmMappedFiles", "false").storeProperty("preallocateNextFile", "false").build());
        broker.start();
        try (AdminClient admin = AdminClient.connect(ns, 5_000)) {
            await().atMost(WAIT).until(() -> !admin.brokers().isEmpty()); // the broker registers right after start
            admin.createTopic(TopicConfig.of("orders", 2), AdminTarget.all());
            admin.awaitRoute("orders", 10_000);
        }
    }

    @AfterEach
    void stopServers() throws Exception {
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        broker.close();
        namesrv.close();
    }

    private ClientConfig.Builder clientConfig(String instance) {
        return ClientConfig.builder().namesrvAddrs(ns).instanceName(instance).clientIp("127.0.0.1")
                .routeRefreshIntervalMs(500).heartbeatIntervalMs(500).rebalanceIntervalMs(300).longPollingMs(1_000)
                .offsetCommitIntervalMs(200).offsetStoreDir(dir.resolve("offsets"));
    }

    private SendResult send(String body, String key) {
        Producer producer = Producer.builder("retry-producer", clientConfig("producer").build()).build();
        producer.start();
        clients.add(producer);
        return producer.send(Message.builder("orders").keys(key).body(body).build());
    }

    private void consume(String group, ClientConfig config, MessageListenerConcurrently listener) {
        PushConsumer consumer = PushConsumer.builder(group, config).build();
        consumer.subscribe("orders", "*").registerListener(listener);
        consumer.start();
        clients.add(consumer);
    }

    private static MessageListenerConcurrently recordingInto(List<Delivery> deliveries, int failFirst,
                                                             AtomicBoolean alwaysFail) {
        return (msgs, ctx) -> {
            MessageExt m = msgs.get(0);
            deliveries.add(new Delivery(m.msgId(), m.topic(), m.reconsumeTimes(),
                    m.property(MessageConst.ORIGIN_MSG_ID), System.currentTimeMillis()));
            return alwaysFail.get() || deliveries.size() <= failFirst ? ConsumeStatus.RETRY : ConsumeStatus.SUCCESS;
        };
    }

    @Test
    void aMessageFailingThreeTimesSucceedsOnTheFourthDeliveryAfterTheBackoff() {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        consume("billing", clientConfig("billing").build(), recordingInto(deliveries, 3, new AtomicBoolean()));
        SendResult sent = send("invoice", "order-1");

        await().atMost(WAIT).until(() -> deliveries.size() >= 4);
        await().during(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> deliveries.size() == 4);

        Delivery first = deliveries.get(0);
        Delivery fourth = deliveries.get(3);
        assertThat(first.msgId()).isEqualTo(sent.msgId());
        assertThat(deliveries).extracting(Delivery::reconsumeTimes).containsExactly(0, 1, 2, 3);
        assertThat(deliveries).extracting(Delivery::topic).containsOnly("orders");
        assertThat(fourth.originMsgId()).isEqualTo(sent.msgId());
        assertThat(fourth.msgId()).isNotEqualTo(sent.msgId());
        assertThat(fourth.atMs() - first.atMs()).as("the back-off is never cut short").isGreaterThanOrEqualTo(SCHEDULE_TOTAL_MS);
        try (AdminClient admin = AdminClient.connect(ns, 5_000)) {
            assertThat(admin.deadLetters("billing", 10)).isEmpty();
        }
    }

    @Test
    void aMessageThatAlwaysFailsIsDeadLetteredListedAndResentByTheCli() {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        AtomicBoolean failing = new AtomicBoolean(true);
        consume("audit", clientConfig("audit").maxReconsumeTimes(3).build(), recordingInto(deliveries, 0, failing));
        SendResult sent = send("poison", "order-9");

        await().atMost(WAIT).until(() -> Cli.exec("admin", "dlq", "list", "--namesrv", ns, "--group", "audit")
                .out().contains(sent.msgId()) || dlqHolds("audit"));
        assertThat(deliveries).extracting(Delivery::reconsumeTimes).containsExactly(0, 1, 2, 3);

        Cli.Result listed = Cli.exec("admin", "dlq", "list", "--namesrv", ns, "--group", "audit", "--count", "5");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("ORIGINAL TOPIC").contains("orders").contains("order-9");
        String deadId = listed.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(listed.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[2]).isEqualTo("4");
        Cli.Result json = Cli.exec("admin", "dlq", "list", "--namesrv", ns, "--group", "audit", "--json");
        assertThat(json.out()).contains("\"originMsgId\" : \"" + sent.msgId() + "\"");

        failing.set(false);
        Cli.Result resent = Cli.exec("admin", "dlq", "resend", "--namesrv", ns, "--group", "audit", "--all");
        assertThat(resent.exitCode()).as(resent.err()).isZero();
        assertThat(resent.out()).contains("Resent 1 dead letter(s) of group audit to %RETRY%audit");
        assertThat(resent.err()).contains("dlq resend: resending 1/1 broker(s), last broker-r (1 resent so far)");
        assertThat(resent.out()).doesNotContain("dlq resend:");
        await().atMost(WAIT).until(() -> deliveries.size() == 5);
        assertThat(deliveries.get(4).reconsumeTimes()).isZero();
        assertThat(deliveries.get(4).topic()).isEqualTo("orders");
        assertThat(deliveries.get(4).originMsgId()).isEqualTo(sent.msgId());

        Cli.Result again = Cli.exec("admin", "dlq", "resend", "--namesrv", ns, "--group", "audit", "--all");
        assertThat(again.out()).contains("Resent 0 dead letter(s)");
        Cli.Result byId = Cli.exec("admin", "dlq", "resend", "--namesrv", ns, "--group", "audit", "--id", deadId);
        assertThat(byId.exitCode()).as(byId.err()).isZero();
        assertThat(byId.out()).contains("Resent " + deadId + " to %RETRY%audit");
        await().atMost(WAIT).until(() -> deliveries.size() == 6);
        Cli.Result unknown = Cli.exec("admin", "dlq", "resend", "--namesrv", ns, "--group", "audit", "--id",
                sent.msgId());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no broker holds message " + sent.msgId());
    }

    @Test
    void listingAGroupWithoutDeadLettersSaysSoAndAnUnknownGroupFailsAsInGroupDescribe() {
        // a group the brokers know (it committed offsets) without a dead letter
        Cli.Result committed = Cli.exec("admin", "group", "reset-offsets", "--namesrv", ns, "--group", "quiet",
                "--topic", "orders", "--to-earliest", "--execute");
        assertThat(committed.exitCode()).as(committed.err()).isZero();
        Cli.Result listed = Cli.exec("admin", "dlq", "list", "--namesrv", ns, "--group", "quiet");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).isEqualTo("No dead-lettered message for group quiet.\n");

        // a name no broker knows is most likely mistyped: exit 1, as `admin group describe` of it
        Cli.Result unknown = Cli.exec("admin", "dlq", "list", "--namesrv", ns, "--group", "nobody");
        assertThat(unknown.exitCode()).as(unknown.out()).isEqualTo(1);
        assertThat(unknown.err()).contains("consumer group 'nobody' is unknown to every broker");
        Cli.Result usage = Cli.exec("admin", "dlq", "resend", "--namesrv", ns, "--group", "nobody");
        assertThat(usage.exitCode()).isEqualTo(2);
    }

    private boolean dlqHolds(String group) {
        try (AdminClient admin = AdminClient.connect(ns, 5_000)) {
            return !admin.deadLetters(group, 10).isEmpty();
        }
    }
}
