package io.tidemq.it;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.MessageModel;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.StreamProducer;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * messaging-audit #2: a broadcasting consumer (LAST, on its first run) reads a topic on two brokers while both
 * are restarted gracefully one after the other, under a continuous producer. Each restart removes the broker
 * from the route, so the consumer gives its queues up and takes them again when it is back: it must resume
 * where it stopped. Before the fix it jumped to the queue's end (LAST, no entry in its file at start) and
 * skipped what was produced to the restarted broker meanwhile.
 */
class BroadcastRollingRestartIT {

    private static final String CLUSTER = "ItRolling";
    private static final String TOPIC = "it-rolling-broadcast";
    private static final String GROUP = "it-rolling-broadcast-group";
    private static final int QUEUES = 2;
    private static final int CAPACITY = 1_000_000;
    /** In-flight messages a member may get twice: a pull batch per queue on the restarted broker. */
    private static final int MAX_REPLAYED = QUEUES * TestClients.PULL_BATCH_SIZE;

    @TempDir
    Path tmp;

    private Cluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = new Cluster(CLUSTER, tmp.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv-1", Map.of());
        cluster.addBroker("broker-a", Map.of());
        cluster.addBroker("broker-b", Map.of());
        cluster.startAll();
        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 5_000)) {
            await("both brokers registered").atMost(Duration.ofSeconds(30))
                    .until(() -> admin.clusterInfo().brokers().size() == 2);
            assertThat(admin.createTopic(TopicConfig.of(TOPIC, QUEUES), AdminTarget.cluster(CLUSTER))).hasSize(2);
            await("the route lists both brokers").atMost(Duration.ofSeconds(30))
                    .until(() -> admin.route(TOPIC).queueDatas().size() == 2);
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        cluster.close();
    }

    @Test
    void aBroadcastingMemberMissesNothingAcrossARollingRestartOfBothBrokers() {
        Deliveries deliveries = new Deliveries(CAPACITY);
        PushConsumer consumer = PushConsumer.builder(GROUP,
                        TestClients.config(cluster.namesrvAddrs(), "member", tmp.resolve("offsets")).build())
                .messageModel(MessageModel.BROADCASTING).consumeFromWhere(ConsumeFromWhere.LAST).build();
        consumer.subscribe(TOPIC, "*");
        consumer.registerListener(deliveries.listener("member", false));
        clients.add(consumer);
        consumer.start();
        await("the member reads the queues of both brokers").atMost(Duration.ofSeconds(30))
                .until(() -> consumer.assignment().size() == 2 * QUEUES);

        Producer producer = Producer.builder("it-rolling-producer",
                TestClients.config(cluster.namesrvAddrs(), "producer", tmp.resolve("offsets")).build()).build();
        clients.add(producer);
        producer.start();
        StreamProducer stream = new StreamProducer(producer, TOPIC, CAPACITY).start();
        clients.add(stream);
        await("both brokers take messages").atMost(Duration.ofSeconds(60))
                .until(() -> stream.ackedSeqs("broker-a").cardinality() >= 200
                        && stream.ackedSeqs("broker-b").cardinality() >= 200);

        for (String broker : List.of("broker-a", "broker-b")) {
            cluster.broker(broker).stopGracefully();
            await("the member gives up the queues of " + broker).atMost(Duration.ofSeconds(30))
                    .until(() -> consumer.assignment().stream().map(MessageQueue::brokerName).noneMatch(broker::equals));
            cluster.broker(broker).start();
            await(broker + " takes messages again").atMost(Duration.ofSeconds(60))
                    .until(() -> stream.ackedSeqs(broker).cardinality() >= 400);
            await("the member reads the queues of " + broker + " again").atMost(Duration.ofSeconds(30))
                    .until(() -> consumer.assignment().size() == 2 * QUEUES);
        }
        int ackedBefore = stream.acked();
        await("the producer goes on after the restarts").atMost(Duration.ofSeconds(60))
                .until(() -> stream.acked() >= ackedBefore + 500);
        stream.stop();

        BitSet acked = stream.ackedSeqs(null);
        await("the member received every acknowledged message").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.missing(acked).isEmpty());
        assertThat(deliveries.violations()).isEmpty();
        System.out.printf("BroadcastRollingRestartIT: %d acknowledged, %d delivered, %d delivered twice%n",
                acked.cardinality(), deliveries.total(), deliveries.duplicates());
        assertThat(deliveries.duplicates()).as("messages delivered again beyond the in-flight ones: "
                + deliveries.duplicateReport(10)).isLessThanOrEqualTo(2L * MAX_REPLAYED);
    }
}
