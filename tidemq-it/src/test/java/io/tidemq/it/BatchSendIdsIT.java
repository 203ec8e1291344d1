package io.tidemq.it;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.it.support.InJvmServers;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/protocol.md, SEND_BATCH_MESSAGE, against a real broker and NameServer in this JVM: the ids a producer derives
 * from a batch's compact answer (first id and record sizes) are the ids the store gave, in batch order; a lookup by
 * each finds its own message.
 */
class BatchSendIdsIT {

    private static final String TOPIC = "it-batch-ids";

    @TempDir
    Path tmp;

    private InJvmServers servers;
    private Producer producer;

    @AfterEach
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    /** Bodies of a few lengths in runs, tags on some: the batch's records are of several sizes. */
    private static Message message(int i) {
        Message.Builder b = Message.builder(TOPIC).body("message " + i + (i % 9 == 4 ? " with a longer body" : ""));
        return (i % 13 == 7 ? b.tag("T" + i) : b).build();
    }

    @Test
    void eachIdOfABatchFindsItsOwnMessage() throws Exception {
        servers = InJvmServers.start(tmp.resolve("store"), b -> b);
        servers.createTopic(TOPIC, 2);
        producer = Producer.builder("it-batch-ids", TestClients.config(servers.namesrvAddr(), "producer",
                tmp.resolve("offsets")).build()).sendBatchLingerMs(10_000).sendBatchMaxBytes(16 * 1024).build();
        producer.start();

        List<Message> sent = new ArrayList<>();
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add(message(i));
            futures.add(producer.sendAsync(sent.get(i)));
        }
        List<Message> whole = new ArrayList<>();
        for (int i = 300; i < 320; i++) {
            whole.add(message(i));
        }
        SendResult wholeResult = producer.send(whole);
        producer.close(); // sends what waits for the linger and waits for the answers

        try (AdminClient admin = AdminClient.connect(servers.namesrvAddr(), 5_000)) {
            for (int i = 0; i < sent.size(); i++) {
                SendResult r = futures.get(i).get(5, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(SendStatus.SEND_OK);
                MessageExt found = admin.messageById(r.msgId());
                assertThat(found.body()).as("message %d", i).isEqualTo(sent.get(i).body());
                assertThat(found.uniqueId()).isEqualTo(r.uniqueId());
                assertThat(found.queueOffset()).isEqualTo(r.queueOffset());
                assertThat(found.queueId()).isEqualTo(r.queue().queueId());
            }
            String[] ids = wholeResult.msgId().split(",");
            assertThat(ids).hasSize(whole.size());
            for (int i = 0; i < ids.length; i++) {
                MessageExt found = admin.messageById(ids[i]);
                assertThat(found.body()).isEqualTo(whole.get(i).body());
                assertThat(found.queueOffset()).isEqualTo(wholeResult.queueOffset() + i);
            }
        }
        assertThat(servers.broker().messageStore().maxQueueOffset(TOPIC, 0)
                + servers.broker().messageStore().maxQueueOffset(TOPIC, 1)).isEqualTo(320);
    }
}
