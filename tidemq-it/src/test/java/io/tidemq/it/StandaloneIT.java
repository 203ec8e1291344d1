package io.tidemq.it;

import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.it.support.Assignments;
import io.tidemq.it.support.AsyncSends;
import io.tidemq.it.support.Bodies;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A standalone server carries 100 000 messages over 8 queues to a group of three push consumers. */
class StandaloneIT {

    private static final String TOPIC = "it-standalone";
    private static final String GROUP = "it-standalone-group";
    private static final int QUEUES = 8;
    private static final int MESSAGES = 100_000;
    private static final int BATCH_MESSAGES = 50;
    private static final int BATCHES_IN_FLIGHT = 16;
    private static final int MEMBERS = 3;

    @TempDir
    Path tmp;

    private Standalone server;
    private StandaloneClients clients;

    @BeforeEach
    void startServer() {
        server = Standalone.builder(getClass(), tmp).build().start();
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
    }

    @AfterEach
    void stopAll() throws Exception {
        clients.close();
    }

    @Test
    void everyMessageReachesExactlyOneMemberOnceAndInQueueOrder() throws Exception {
        server.createTopic(TOPIC, QUEUES);
        Deliveries deliveries = new Deliveries(MESSAGES);
        List<PushConsumer> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            // one consume thread per member: listener calls of a queue then run in pull order
            PushConsumer c = PushConsumer.builder(GROUP, clients.config("member-" + i).consumeThreads(1).build())
                    .build();
            members.add(clients.start(c, TOPIC, "*", deliveries.listener("member-" + i, true)));
        }
        await("the group splits the 8 queues among its 3 members").atMost(Duration.ofSeconds(30))
                .until(() -> Assignments.isPartition(members, QUEUES));

        Producer producer = clients.producer("it-standalone-producer");
        long startNs = System.nanoTime();
        Queue<Throwable> sendFailures = AsyncSends.sendBatches(producer, MESSAGES / BATCH_MESSAGES, BATCHES_IN_FLIGHT,
                b -> IntStream.range(b * BATCH_MESSAGES, (b + 1) * BATCH_MESSAGES)
                        .mapToObj(seq -> Message.builder(TOPIC).body(Bodies.of(seq)).build()).toList());
        assertThat(sendFailures).as("send failures").isEmpty();
        long sentNs = System.nanoTime();

        await("all messages consumed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> deliveries.distinct() == MESSAGES || !deliveries.violations().isEmpty());
        long consumedNs = System.nanoTime();
        // closing a member moves its queues; a queue moved before its last consumption is committed is read
        // again from the older commit (at-least-once, see docs/client.md), so close only once all is committed
        server.awaitNoLag(GROUP, Duration.ofSeconds(15));
        for (PushConsumer c : members) {
            c.close();
        }

        assertThat(deliveries.violations()).as("order or content violations").isEmpty();
        assertThat(deliveries.distinct()).isEqualTo(MESSAGES);
        assertThat(deliveries.duplicates()).as("messages delivered twice, e.g. " + deliveries.duplicateReport(10))
                .isZero();
        assertThat(deliveries.uniqueIdCount()).as("distinct UNIQ_KEYs").isEqualTo(MESSAGES);
        for (int i = 0; i < MEMBERS; i++) {
            assertThat(deliveries.seqsOf("member-" + i)).as("messages of member-" + i).isNotEmpty();
        }
        System.out.printf("StandaloneIT: %d messages sent in %d ms, all consumed %d ms after the first send%n",
                MESSAGES, TimeUnit.NANOSECONDS.toMillis(sentNs - startNs),
                TimeUnit.NANOSECONDS.toMillis(consumedNs - startNs));
    }
}
