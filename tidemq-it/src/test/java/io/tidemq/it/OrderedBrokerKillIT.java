package io.tidemq.it;

import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.OrderedDeliveries;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two ordered members of one group share a topic served by a standalone server in its own JVM, which is killed
 * with {@code kill -9} while both members still work through their backlog, and started again at once. The
 * restarted broker must not let a member that comes back first take the queues the other member is still
 * consuming (its locks are restored), so: per key the sequence numbers stay strictly increasing, and no queue is
 * ever in two listener calls at the same instant (every call's interval is recorded and compared).
 */
class OrderedBrokerKillIT {

    private static final String TOPIC = "it-order-kill";
    private static final String GROUP = "it-order-kill-group";
    private static final int QUEUES = 8;
    private static final int KEYS = 16;
    private static final int PER_KEY = 600;
    private static final int BEFORE_KILL = 400;
    /** Listener work per message: the backlog outlives the broker's restart. */
    private static final long WORK_MICROS = 10_000;

    @TempDir
    Path tmp;

    private Standalone server;
    private StandaloneClients clients;

    @AfterEach
    void stopAll() throws Exception {
        if (clients != null) {
            clients.close();
        }
    }

    private PushConsumer member(String name, long heartbeatIntervalMs, OrderedDeliveries deliveries) {
        PushConsumer c = PushConsumer.builder(GROUP, clients.config(name)
                .heartbeatIntervalMs(heartbeatIntervalMs)
                .rebalanceIntervalMs(1_000)
                .lockRenewIntervalMs(2_000)
                .requestTimeoutMs(3_000)
                .build()).build();
        return clients.startOrderly(c, TOPIC, "*", deliveries.listener(name, WORK_MICROS));
    }

    @Test
    void aBrokerKilledUnderTwoOrderedMembersNeverLetsThemConsumeOneQueueAtOnce() throws Exception {
        server = Standalone.builder("order-kill", ItLogs.forClass(getClass()), tmp.resolve("data"))
                .flush("sync").set("offsetFlushIntervalMs", "500").build().start();
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
        server.createTopic(TOPIC, QUEUES);
        OrderedDeliveries deliveries = new OrderedDeliveries(KEYS, PER_KEY);
        Producer producer = clients.producer("it-order-kill-producer");
        // the backlog (800 messages per queue at 10 ms each) keeps both members busy well past the restart
        deliveries.send(producer, TOPIC, 4, 0, BEFORE_KILL);

        // a is back in the restarted broker's member list well before b: alone there, it wants every queue
        PushConsumer a = member("a", 300, deliveries);
        PushConsumer b = member("b", 3_000, deliveries);
        await("the two members split the queues").atMost(Duration.ofSeconds(60)).until(() -> {
            Set<MessageQueue> all = new HashSet<>(a.assignment());
            all.addAll(b.assignment());
            return a.assignment().size() == QUEUES / 2 && b.assignment().size() == QUEUES / 2 && all.size() == QUEUES;
        });
        long bAtSplit = deliveries.consumedBy("b");
        await("both members are consuming").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.consumedBy("b") > bAtSplit + 50);
        long beforeKill = deliveries.total();
        server.kill9();
        server.start();
        long atRestart = deliveries.total();

        deliveries.send(producer, TOPIC, 4, BEFORE_KILL, PER_KEY);
        await("all " + deliveries.expectedTotal() + " consumed").atMost(Duration.ofSeconds(180))
                .until(() -> deliveries.total() >= deliveries.expectedTotal());

        System.out.printf("OrderedBrokerKillIT: %d consumed before the kill, %d by the restart; %d listener calls;"
                        + " a consumed %d, b %d%n", beforeKill, atRestart, deliveries.calls(),
                deliveries.consumedBy("a"), deliveries.consumedBy("b"));
        assertThat(atRestart).as("the members went on consuming while the broker was down").isGreaterThan(beforeKill);
        assertThat(deliveries.overlaps(10)).as("listener calls of one queue at the same instant").isEmpty();
        assertThat(deliveries.violations()).as("per-key order and exclusivity violations").isEmpty();
        assertThat(deliveries.missing(10)).as("messages never consumed").isEmpty();
    }
}
