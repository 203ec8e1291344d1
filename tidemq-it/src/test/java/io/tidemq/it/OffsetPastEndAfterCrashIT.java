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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * messaging-audit #4: with ASYNC flush the offsets file is fsynced while the CommitLog tail may not be, so after
 * an OS crash a group's committed offset can be past the end of its recovered queue. The broker (a separate
 * JVM, killed with SIGKILL) restarts with such an offset; the group must then see every message produced after
 * the restart. Before the fix it started at the stale offset and skipped them.
 */
class OffsetPastEndAfterCrashIT {

    private static final String TOPIC = "it-past-end";
    private static final String GROUP = "it-past-end-group";
    private static final int MESSAGES = 200;
    private static final int AFTER = 100;
    /** How far past the recovered end the committed offsets are: the lost CommitLog tail. */
    private static final int LOST_TAIL = 1_000;

    @TempDir
    Path tmp;

    private StandaloneClients clients;

    @AfterEach
    void stopAll() throws Exception {
        if (clients != null) {
            clients.close();
        }
    }

    @Test
    void aGroupWhoseOffsetWasPastTheEndBeforeACrashSeesEveryMessageProducedAfterIt() throws Exception {
        Standalone server = Standalone.builder("past-end", ItLogs.forClass(getClass()), tmp.resolve("data"))
                .flush("async").set("offsetFlushIntervalMs", "500").build().start();
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
        server.createTopic(TOPIC, 1);
        Producer producer = clients.producer("it-past-end-producer");
        send(producer, 0, MESSAGES);
        Deliveries before = new Deliveries(MESSAGES + AFTER);
        PushConsumer first = clients.start(PushConsumer.builder(GROUP, clients.config("before").build()).build(),
                TOPIC, "*", before.listener("before", false));
        await("the group consumed everything").atMost(Duration.ofSeconds(60))
                .until(() -> before.distinct() == MESSAGES);
        server.awaitNoLag(GROUP, Duration.ofSeconds(30));
        Path offsetsFile = server.brokerStorePath().resolve("config").resolve("consumerOffsets.json");
        await("the broker persisted the group's offset").atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(offsetsFile)
                        && Files.readString(offsetsFile, StandardCharsets.UTF_8).contains(":" + MESSAGES + "}"));
        first.close();

        server.kill9();
        // the crash lost the CommitLog tail the fsynced offsets file had already counted
        String offsets = Files.readString(offsetsFile, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"" + TOPIC + "\":\\{\"0\":" + MESSAGES + "}").matcher(offsets);
        assertThat(m.find()).as("the group's offset in " + offsets).isTrue();
        Files.writeString(offsetsFile, m.replaceFirst("\"" + TOPIC + "\":{\"0\":" + (MESSAGES + LOST_TAIL) + "}"),
                StandardCharsets.UTF_8);
        server.start();

        send(producer, MESSAGES, AFTER);
        Deliveries after = new Deliveries(MESSAGES + AFTER);
        clients.start(PushConsumer.builder(GROUP, clients.config("after").build())
                .consumeFromWhere(ConsumeFromWhere.LAST).build(), TOPIC, "*", after.listener("after", false));
        BitSet expected = new BitSet();
        expected.set(MESSAGES, MESSAGES + AFTER);
        await("every message produced after the restart is consumed").atMost(Duration.ofSeconds(60))
                .until(() -> after.missing(expected).isEmpty());
        assertThat(after.violations()).isEmpty();
        assertThat(after.seqsOf("after")).as("nothing before the crash is delivered again")
                .allMatch(seq -> seq >= MESSAGES);
    }

    private static void send(Producer producer, int fromSeq, int count) throws InterruptedException {
        assertThat(AsyncSends.send(producer, count, 32,
                i -> Message.builder(TOPIC).body(Bodies.of(fromSeq + i)).build())).as("send failures").isEmpty();
    }
}
