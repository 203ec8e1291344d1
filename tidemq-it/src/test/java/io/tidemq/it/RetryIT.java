package io.tidemq.it;

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
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries and the dead-letter queue across a process boundary: a standalone server in a child JVM, configured
 * with a short back-off ({@code retryBackoffSchedule = 1s 1s 2s}), and push consumers in this JVM.
 */
class RetryIT {

    private static final String TOPIC = "it-retry";
    private static final long SCHEDULE_TOTAL_MS = 4_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Standalone server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    /** One delivery as the listener saw it. */
    private record Delivery(String msgId, String topic, int reconsumeTimes, String originMsgId, long atMs) {
    }

    @BeforeEach
    void startServer() {
        server = Standalone.builder("standalone", ItLogs.forClass(getClass()), tmp.resolve("data"))
                .flush("sync").set("retryBackoffSchedule", "1s 1s 2s").build().start();
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            admin.createTopic(TopicConfig.of(TOPIC, 2), AdminTarget.all());
            admin.awaitRoute(TOPIC, 10_000);
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    private ClientConfig.Builder config(String instance) {
        return TestClients.config(server.namesrvAddr(), instance, tmp.resolve("offsets"));
    }

    private SendResult send(String body) {
        Producer producer = Producer.builder("it-retry-producer", config("producer").build()).build();
        producer.start();
        clients.add(producer);
        return producer.send(Message.builder(TOPIC).keys("key-" + body).body(body).build());
    }

    /** A consumer whose listener records each delivery and fails those whose index (from 0) {@code fails}. */
    private void consume(String group, ClientConfig config, List<Delivery> deliveries, IntPredicate fails) {
        MessageListenerConcurrently listener = (msgs, ctx) -> {
            MessageExt m = msgs.get(0);
            int index = deliveries.size();
            deliveries.add(new Delivery(m.msgId(), m.topic(), m.reconsumeTimes(),
                    m.property(MessageConst.ORIGIN_MSG_ID), System.currentTimeMillis()));
            return fails.test(index) ? ConsumeStatus.RETRY : ConsumeStatus.SUCCESS;
        };
        PushConsumer consumer = PushConsumer.builder(group, config).build();
        consumer.subscribe(TOPIC, "*").registerListener(listener);
        consumer.start();
        clients.add(consumer);
    }

    @Test
    void aMessageFailingThreeTimesIsConsumedOnTheFourthDeliveryWithItsOriginAndCount() {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        consume("it-retry-ok", config("ok").build(), deliveries, i -> i < 3);
        SendResult sent = send("flaky");

        await().atMost(WAIT).until(() -> deliveries.size() >= 4);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> deliveries.size() == 4);

        assertThat(deliveries).extracting(Delivery::reconsumeTimes).containsExactly(0, 1, 2, 3);
        assertThat(deliveries).extracting(Delivery::topic).containsOnly(TOPIC);
        assertThat(deliveries.get(0).msgId()).isEqualTo(sent.msgId());
        assertThat(deliveries.get(3).originMsgId()).isEqualTo(sent.msgId());
        assertThat(deliveries.get(3).atMs() - deliveries.get(0).atMs()).isGreaterThanOrEqualTo(SCHEDULE_TOTAL_MS);
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            assertThat(admin.deadLetters("it-retry-ok", 10)).isEmpty();
            assertThat(admin.listTopics(AdminTarget.all(), false)).containsExactly(TOPIC);
            assertThat(admin.listTopics(AdminTarget.all(), true)).contains("%RETRY%it-retry-ok");
        }
    }

    @Test
    void aMessageThatAlwaysFailsLandsInTheDeadLetterQueueAfterMaxReconsumeTimes() {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        consume("it-retry-dead", config("dead").maxReconsumeTimes(3).build(), deliveries, i -> true);
        SendResult sent = send("poison");

        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            await().atMost(WAIT).until(() -> !admin.deadLetters("it-retry-dead", 10).isEmpty());
            List<MessageExt> dead = admin.deadLetters("it-retry-dead", 10);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).reconsumeTimes()).isEqualTo(4);
            assertThat(dead.get(0).property(MessageConst.ORIGIN_TOPIC)).isEqualTo(TOPIC);
            assertThat(dead.get(0).property(MessageConst.ORIGIN_MSG_ID)).isEqualTo(sent.msgId());
            assertThat(dead.get(0).keys()).containsExactly("key-poison");
        }
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> deliveries.size() == 4);
        assertThat(deliveries).extracting(Delivery::reconsumeTimes).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aRetryWaitingInTheTimerIsDeliveredAfterTheServerIsKilledAndRestarted() {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        consume("it-retry-restart", config("restart").build(), deliveries, i -> i == 0);
        SendResult sent = send("survivor");
        await().atMost(WAIT).until(() -> deliveries.size() == 1);
        // kill only once the broker holds the retry copy: a kill during the send-back makes the consumer retry
        // the message itself (a different path, with no ORIGIN_MSG_ID)
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            String broker = admin.brokers().get(0).address();
            await().atMost(WAIT).until(() -> Long.parseLong(admin.brokerRuntimeInfo(broker)
                    .getOrDefault("retriedMessages", "0")) >= 1);
        }

        server.kill9();
        server.start();

        await().atMost(WAIT).until(() -> deliveries.size() >= 2);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> deliveries.size() == 2);
        assertThat(deliveries.get(1).reconsumeTimes()).isEqualTo(1);
        assertThat(deliveries.get(1).originMsgId()).isEqualTo(sent.msgId());
    }
}
