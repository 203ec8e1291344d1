package io.tidemq.it;

import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.it.support.OrderedDeliveries;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ordered messages end to end: a standalone server in its own JVM, 100 sharding keys × 1 000 messages sent with
 * the hash selector, and an ordered consumer group in this JVM that a second member joins and the first leaves
 * while the traffic runs. Every key's messages must be consumed exactly once, in send order, from one queue,
 * and no queue may ever be in two listener calls at once.
 */
class OrderIT {

    private static final String TOPIC = "it-order";
    private static final String GROUP = "it-order-group";
    private static final int QUEUES = 8;
    private static final int KEYS = 100;
    private static final int PER_KEY = 1_000;

    @TempDir
    Path tmp;

    private StandaloneClients clients;

    @BeforeEach
    void startServer() {
        Standalone server = Standalone.builder(getClass(), tmp).build().start().createTopic(TOPIC, QUEUES);
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
    }

    @AfterEach
    void stopAll() throws Exception {
        clients.close();
    }

    private PushConsumer member(String name, OrderedDeliveries deliveries) {
        PushConsumer c = PushConsumer.builder(GROUP, clients.config(name).lockRenewIntervalMs(2_000).build()).build();
        return clients.startOrderly(c, TOPIC, "*", deliveries.listener(name));
    }

    @Test
    void everyKeyIsConsumedOnceAndInSendOrderWhileAMemberJoinsAndAnotherLeaves() throws Exception {
        OrderedDeliveries deliveries = new OrderedDeliveries(KEYS, PER_KEY);
        Producer producer = clients.producer("it-order-producer");
        PushConsumer first = member("first", deliveries);

        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
        Thread sending = new Thread(() -> {
            try {
                deliveries.sendAll(producer, TOPIC, 8);
            } catch (Throwable e) {
                sendFailure.set(e);
            }
        }, "it-order-sending");
        sending.start();

        await("a quarter consumed by the first member").atMost(Duration.ofSeconds(120))
                .until(() -> deliveries.total() >= deliveries.expectedTotal() / 4);
        member("second", deliveries);
        await("the second member consumes its share").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.consumedBy("second") > 0
                        && deliveries.total() >= deliveries.expectedTotal() * 6L / 10);
        first.close();
        long secondAtLeave = deliveries.consumedBy("second");

        sending.join(Duration.ofSeconds(180).toMillis());
        assertThat(sending.isAlive()).as("senders finished").isFalse();
        assertThat(sendFailure.get()).as("send failure").isNull();
        await("all " + deliveries.expectedTotal() + " consumed").atMost(Duration.ofSeconds(120))
                .until(() -> deliveries.total() >= deliveries.expectedTotal());

        assertThat(deliveries.violations()).as("order and exclusivity violations").isEmpty();
        assertThat(deliveries.duplicated(10)).as("messages consumed twice").isEmpty();
        assertThat(deliveries.missing(10)).as("messages never consumed").isEmpty();
        assertThat(deliveries.total()).isEqualTo(deliveries.expectedTotal());
        assertThat(deliveries.consumedBy("first")).isPositive();
        assertThat(deliveries.consumedBy("second")).as("the second member took over every queue after the first left")
                .isGreaterThan(secondAtLeave);
    }
}
