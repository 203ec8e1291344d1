package io.tidemq.it;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.it.support.Assignments;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import io.tidemq.it.support.StreamProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A group rebalances while a stream flows: a third member joins and then a first one leaves. No message is
 * lost, and duplicates stay within what the members that gave up queues held unconsumed or uncommitted.
 */
class RebalanceIT {

    private static final String TOPIC = "it-rebalance";
    private static final String GROUP = "it-rebalance-group";
    private static final int QUEUES = 8;
    private static final int CAPACITY = 1_000_000;
    /** Messages the stream sends between two membership changes. */
    private static final int PHASE_MESSAGES = 800;
    private static final int PULL_BATCH_SIZE = 16;
    private static final int PULL_THRESHOLD_FOR_QUEUE = 64;

    @TempDir
    Path tmp;

    private StandaloneClients clients;
    private final Deliveries deliveries = new Deliveries(CAPACITY);

    @BeforeEach
    void startServer() {
        Standalone server = Standalone.builder(getClass(), tmp).build().start().createTopic(TOPIC, QUEUES);
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
    }

    @AfterEach
    void stopAll() throws Exception {
        clients.close();
    }

    @Test
    void joinAndLeaveMidStreamLoseNothingAndDuplicateOnlyWhatMovedQueuesHeldInFlight() {
        Map<String, PushConsumer> members = new LinkedHashMap<>();
        members.put("m1", member("m1"));
        members.put("m2", member("m2"));
        await("m1 and m2 split the queues").atMost(Duration.ofSeconds(30))
                .until(() -> Assignments.isPartition(members.values(), QUEUES));

        Producer producer = clients.producer("it-rebalance-producer");
        StreamProducer stream = clients.track(new StreamProducer(producer, TOPIC, CAPACITY).start());

        awaitAcked(stream, PHASE_MESSAGES);
        Map<MessageQueue, String> beforeJoin = owners(members);
        members.put("m3", member("m3"));
        await("m1, m2 and m3 split the queues").atMost(Duration.ofSeconds(30))
                .until(() -> Assignments.isPartition(members.values(), QUEUES));
        Map<MessageQueue, String> afterJoin = owners(members);
        int movedByJoin = moved(beforeJoin, afterJoin);

        awaitAcked(stream, stream.acked() + PHASE_MESSAGES);
        members.remove("m1").close();
        await("m2 and m3 split the queues").atMost(Duration.ofSeconds(30))
                .until(() -> Assignments.isPartition(members.values(), QUEUES));
        int movedByLeave = moved(afterJoin, owners(members));

        awaitAcked(stream, stream.acked() + PHASE_MESSAGES);
        stream.stop();
        assertThat(stream.acked()).as("acknowledged sends; failures:\n" + stream.failureSample(5))
                .isEqualTo(stream.attempted());
        BitSet acked = stream.ackedSeqs(null);
        await("every acknowledged message consumed").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.missing(acked).isEmpty());

        assertThat(deliveries.violations()).isEmpty();
        assertThat(movedByJoin).as("queues moved when m3 joined").isPositive();
        assertThat(movedByLeave).as("queues moved when m1 left").isPositive();
        // a queue that moves is read by its new owner from the committed offset; the old owner may still
        // consume what it had pulled and not yet committed, at most one full process queue plus one pull
        long bound = (long) (movedByJoin + movedByLeave) * (PULL_THRESHOLD_FOR_QUEUE + PULL_BATCH_SIZE);
        System.out.printf("RebalanceIT: %d messages, %d queues moved on join, %d on leave, %d duplicates (bound %d)%n",
                acked.cardinality(), movedByJoin, movedByLeave, deliveries.duplicates(), bound);
        assertThat(deliveries.duplicates()).as("duplicates, e.g. seqs " + deliveries.duplicated(10))
                .isLessThanOrEqualTo(bound);
    }

    private PushConsumer member(String name) {
        ClientConfig config = clients.config(name).pullBatchSize(PULL_BATCH_SIZE)
                .pullThresholdForQueue(PULL_THRESHOLD_FOR_QUEUE).consumeThreads(2).build();
        return clients.start(PushConsumer.builder(GROUP, config).build(), TOPIC, "*", deliveries.listener(name, false));
    }

    private static void awaitAcked(StreamProducer stream, int atLeast) {
        await("the stream has " + atLeast + " acknowledged messages").atMost(Duration.ofSeconds(60))
                .until(() -> stream.acked() >= atLeast || stream.isDone());
        assertThat(stream.isDone()).as("the stream producer stopped early:\n" + stream.failureSample(5)).isFalse();
    }

    private static Map<MessageQueue, String> owners(Map<String, PushConsumer> members) {
        Map<MessageQueue, String> owners = new HashMap<>();
        members.forEach((name, c) -> c.assignment().forEach(mq -> owners.put(mq, name)));
        return owners;
    }

    private static int moved(Map<MessageQueue, String> before, Map<MessageQueue, String> after) {
        int moved = 0;
        for (Map.Entry<MessageQueue, String> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                moved++;
            }
        }
        return moved;
    }
}
