package io.tidemq.it;

import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.it.support.AsyncSends;
import io.tidemq.it.support.Bodies;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import io.tidemq.it.support.StreamProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standalone server with SYNC flush is restarted under its clients, gracefully and with kill -9: no
 * acknowledged message is lost, and a consumer group resumes from its committed offsets.
 */
class BrokerRestartIT {

    private static final String TOPIC = "it-restart";
    private static final String GROUP = "it-restart-group";
    private static final int QUEUES = 4;
    private static final int CAPACITY = 1_000_000;
    private static final int PHASE_MESSAGES = 1_000;

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

    @Test
    void gracefulRestartKeepsMessagesAndTheGroupResumesExactlyWhereItCommitted() throws Exception {
        startServer("graceful");
        Producer producer = producer();
        Deliveries deliveries = new Deliveries(2 * PHASE_MESSAGES);
        // a second group stays connected through the restart: its client must reconnect and carry on
        Deliveries live = new Deliveries(2 * PHASE_MESSAGES);
        consumer("it-restart-live", "live", ConsumeFromWhere.FIRST, live);

        send(producer, 0, PHASE_MESSAGES);
        PushConsumer first = consumer(GROUP, "first", ConsumeFromWhere.FIRST, deliveries);
        await("the group consumes the first " + PHASE_MESSAGES).atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.seqsOf("first").size() == PHASE_MESSAGES);
        server.awaitNoLag(GROUP, Duration.ofSeconds(30));
        first.close();

        server.stopGracefully();
        server.start();
        send(producer, PHASE_MESSAGES, PHASE_MESSAGES);

        // LAST would skip the second phase if the committed offsets had not survived the restart
        consumer(GROUP, "resumed", ConsumeFromWhere.LAST, deliveries);
        Set<Integer> secondPhase = seqs(PHASE_MESSAGES, 2 * PHASE_MESSAGES);
        await("the resumed group consumes the second phase").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.seqsOf("resumed").containsAll(secondPhase));
        await("the live group consumes both phases").atMost(Duration.ofSeconds(60))
                .until(() -> live.distinct() == 2 * PHASE_MESSAGES);

        assertThat(deliveries.violations()).isEmpty();
        assertThat(live.violations()).isEmpty();
        // offsets were committed (lag 0) before a clean shutdown that persists them: nothing comes twice
        assertThat(deliveries.seqsOf("resumed")).as("first-phase messages delivered again after the restart")
                .allMatch(seq -> seq >= PHASE_MESSAGES);
        assertThat(deliveries.duplicates()).isZero();
        System.out.printf("BrokerRestartIT graceful: live group got %d duplicates across the restart%n",
                live.duplicates());
        assertThat(live.duplicates()).as("duplicates of the group connected through the restart").isZero();
    }

    @Test
    void killNineWithSyncFlushLosesNoAcknowledgedMessageAndTheGroupResumesFromCommittedOffsets() throws Exception {
        startServer("kill9");
        Producer producer = producer();
        Deliveries deliveries = new Deliveries(CAPACITY);
        PushConsumer before = consumer(GROUP, "before", ConsumeFromWhere.FIRST, deliveries);
        StreamProducer stream = clients.track(new StreamProducer(producer, TOPIC, CAPACITY).start());
        await("the stream is acknowledged and consumed").atMost(Duration.ofSeconds(60))
                .until(() -> stream.acked() >= 2 * PHASE_MESSAGES && deliveries.distinct() >= PHASE_MESSAGES);
        Path offsetsFile = server.brokerStorePath().resolve("config").resolve("consumerOffsets.json");
        await("the broker persisted the group's offsets").atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(offsetsFile)
                        && Files.readString(offsetsFile, StandardCharsets.UTF_8).contains(GROUP));
        before.close();

        server.kill9();
        stream.stop();
        BitSet acked = stream.ackedSeqs(null);
        int attempted = stream.attempted();
        server.start();

        // LAST would skip messages if the committed offsets had been lost: the group must find them
        consumer(GROUP, "after", ConsumeFromWhere.LAST, deliveries);
        send(producer, attempted, 100);
        BitSet expected = (BitSet) acked.clone();
        expected.set(attempted, attempted + 100);
        await("every acknowledged message consumed before the kill or after the restart")
                .atMost(Duration.ofSeconds(60)).until(() -> deliveries.missing(expected).isEmpty());

        // and the store itself kept them all, intact: a new group reads everything from the start
        Deliveries audit = new Deliveries(CAPACITY);
        consumer("it-restart-audit", "auditor", ConsumeFromWhere.FIRST, audit);
        await("a new group finds every acknowledged message").atMost(Duration.ofSeconds(60))
                .until(() -> audit.missing(expected).isEmpty());

        assertThat(deliveries.violations()).isEmpty();
        assertThat(audit.violations()).as("corrupt or foreign records served after the crash").isEmpty();
        Set<Integer> again = new HashSet<>(deliveries.seqsOf("before"));
        again.retainAll(deliveries.seqsOf("after"));
        System.out.printf("BrokerRestartIT kill -9: %d acknowledged of %d sent before the kill; %d consumed before"
                        + " it, %d delivered again after the restart (at least once)%n", acked.cardinality(), attempted,
                deliveries.seqsOf("before").size(), again.size());
    }

    private void startServer(String name) {
        server = Standalone.builder(name, ItLogs.forClass(getClass()), tmp.resolve("data"))
                .flush("sync").set("offsetFlushIntervalMs", "500").build().start();
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
        server.createTopic(TOPIC, QUEUES);
    }

    private Producer producer() {
        return clients.producer("it-restart-producer");
    }

    private PushConsumer consumer(String group, String member, ConsumeFromWhere from, Deliveries deliveries) {
        PushConsumer c = PushConsumer.builder(group, clients.config(member).build()).consumeFromWhere(from).build();
        return clients.start(c, TOPIC, "*", deliveries.listener(member, false));
    }

    private static void send(Producer producer, int fromSeq, int count) throws InterruptedException {
        assertThat(AsyncSends.send(producer, count, 32,
                i -> Message.builder(TOPIC).body(Bodies.of(fromSeq + i)).build())).as("send failures").isEmpty();
    }

    private static Set<Integer> seqs(int from, int to) {
        Set<Integer> out = new HashSet<>();
        IntStream.range(from, to).forEach(out::add);
        return out;
    }
}
