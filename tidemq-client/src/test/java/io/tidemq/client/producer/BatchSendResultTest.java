package io.tidemq.client.producer;

import io.tidemq.client.SendFailedException;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * docs/protocol.md, SEND_BATCH_MESSAGE: the producer asks for a batch's ids in the compact form (the first id and the
 * records' sizes) and derives each message's id from it; an older broker's answer, every id listed, is still read.
 */
class BatchSendResultTest {

    @TempDir
    Path dir;

    private FakeCluster cluster;
    private final List<Producer> producers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster(1);
        cluster.topic("orders", 1);
    }

    @AfterEach
    void tearDown() {
        producers.forEach(Producer::close);
        cluster.close();
    }

    private Producer producer(boolean batching) {
        Producer p = Producer.builder("pg-" + producers.size(), cluster.config(dir).maxMessageBytes(64 * 1024).build())
                .sendBatchLingerMs(batching ? 10_000 : 0).sendBatchMaxBytes(32 * 1024).build();
        producers.add(p);
        p.start();
        return p;
    }

    /** Bodies of different lengths in runs, so the batch's records are not all of one size. */
    private static List<Message> messages(int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = i % 7 == 3 ? "a longer body, number " + i : "m" + (char) ('a' + i % 26);
            out.add(Message.builder("orders").body(body).build());
        }
        return out;
    }

    private List<MessageExt> stored() {
        return cluster.broker(0).messages("orders", 0);
    }

    /** Sends {@code batch} with sendAsync as one batch; each callback adds the name of its thread (any thread). */
    private List<SendResult> sendBatched(List<Message> batch, Collection<String> completingThreads) throws Exception {
        Producer p = producer(true);
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (Message m : batch) {
            CompletableFuture<SendResult> f = p.sendAsync(m);
            f.whenComplete((r, e) -> completingThreads.add(Thread.currentThread().getName()));
            futures.add(f);
        }
        p.close(); // sends the batch and waits for its answer
        List<SendResult> results = new ArrayList<>();
        for (CompletableFuture<SendResult> f : futures) {
            results.add(f.get(5, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void eachAsyncMessageOfABatchGetsTheIdItWasStoredUnderInBatchOrder() throws Exception {
        List<Message> batch = messages(20);
        ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

        List<SendResult> results = sendBatched(batch, threads);

        assertThat(cluster.broker(0).sendRequests.get()).isEqualTo(1);
        assertThat(cluster.broker(0).compactBatchAnswers.get()).as("the producer asked for the compact form").isEqualTo(1);
        List<MessageExt> stored = stored();
        assertThat(stored).hasSize(20);
        for (int i = 0; i < 20; i++) {
            SendResult r = results.get(i);
            MessageExt m = stored.get(i);
            assertThat(new String(m.body(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(batch.get(i).body(), StandardCharsets.UTF_8));
            assertThat(r.msgId()).isEqualTo(m.msgId());
            assertThat(r.queueOffset()).isEqualTo(m.queueOffset());
            assertThat(r.uniqueId()).isEqualTo(m.property(MessageConst.UNIQ_KEY));
            assertThat(r).isEqualTo(new SendResult(m.msgId(), r.queue(), m.queueOffset(), SendStatus.SEND_OK,
                    m.property(MessageConst.UNIQ_KEY)));
            assertThat(r.toString()).contains(m.msgId());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 20);
        assertThat(threads).as("callbacks run on the network thread that read the answer, as before")
                .allSatisfy(t -> assertThat(t).startsWith("tidemq-remoting-client-io"));
    }

    @Test
    void anOlderBrokerThatListsEveryIdIsStillRead() throws Exception {
        cluster.broker(0).listsBatchIds = true;
        List<Message> batch = messages(9);

        List<SendResult> results = sendBatched(batch, new ConcurrentLinkedQueue<>());

        assertThat(cluster.broker(0).compactBatchAnswers.get()).isZero();
        assertThat(results).extracting(SendResult::msgId)
                .containsExactlyElementsOf(stored().stream().map(MessageExt::msgId).toList());

        SendResult whole = producer(false).send(messages(3));
        List<MessageExt> stored = stored();
        assertThat(whole.msgId()).isEqualTo(String.join(",", stored.subList(9, 12).stream().map(MessageExt::msgId).toList()));
    }

    @Test
    void aSyncBatchListsItsIdsCommaSeparatedInBatchOrder() {
        SendResult r = producer(false).send(messages(10));

        assertThat(cluster.broker(0).compactBatchAnswers.get()).isEqualTo(1);
        List<MessageExt> stored = stored();
        assertThat(r.msgId()).isEqualTo(String.join(",", stored.stream().map(MessageExt::msgId).toList()));
        assertThat(r.uniqueId()).isEqualTo(String.join(",",
                stored.stream().map(m -> m.property(MessageConst.UNIQ_KEY)).toList()));
        assertThat(r.queueOffset()).isZero();
    }

    /** Stored but not durable in time, by every attempt: each message still learns its id, with the status. */
    @Test
    void aBatchStoredButNotDurableInTimeGivesEachMessageItsIdAndTheStatus() throws Exception {
        cluster.broker(0).flushTimeoutNextSends(100);
        List<Message> batch = messages(5);

        List<SendResult> results = sendBatched(batch, new ConcurrentLinkedQueue<>());

        List<MessageExt> stored = stored();
        assertThat(stored).as("stored by every attempt; consumers deduplicate by UNIQ_KEY").hasSize(15);
        for (int i = 0; i < 5; i++) {
            SendResult r = results.get(i);
            assertThat(r.status()).isEqualTo(SendStatus.FLUSH_DISK_TIMEOUT);
            MessageExt m = stored.stream().filter(s -> s.msgId().equals(r.msgId())).findFirst().orElseThrow();
            assertThat(m.body()).isEqualTo(batch.get(i).body());
            assertThat(m.property(MessageConst.UNIQ_KEY)).isEqualTo(r.uniqueId());
            assertThat(r.queueOffset()).isEqualTo(m.queueOffset());
        }
    }

    @Test
    void aMalformedCompactAnswerFailsEveryMessageOfTheBatch() {
        cluster.broker(0).batchRecordBytesOverride = "12*x";
        Producer p = producer(true);
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (Message m : messages(4)) {
            futures.add(p.sendAsync(m));
        }
        p.close();

        for (CompletableFuture<SendResult> f : futures) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SendFailedException.class)
                    .cause().isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("recordBytes");
        }
    }

    /** Ids that do not match the batch (a broker's mistake) are left out; where the messages are stays known. */
    @Test
    void compactIdsOfAnotherCountLeaveTheIdsOutButKeepTheOffsets() {
        MessageQueue q = new MessageQueue("orders", "b", 0);
        List<SendAccumulator.Entry> entries = List.of(entry("u0"), entry("u1"), entry("u2"));
        BatchMessageIds four = BatchMessageIds.parse(MessageId.encode(0x7F00_0001, 10911, 0), "100*4");

        SendAccumulator.complete(entries, SendResult.ofBatch(four, q, 40, SendStatus.SEND_OK, "u0,u1,u2"), null);

        assertThat(entries).extracting(e -> e.result().join()).extracting(SendResult::msgId).containsOnlyNulls();
        assertThat(entries).extracting(e -> e.result().join()).extracting(SendResult::queueOffset)
                .containsExactly(40L, 41L, 42L);
        assertThat(entries).extracting(e -> e.result().join()).extracting(SendResult::uniqueId)
                .containsExactly("u0", "u1", "u2");
    }

    /** Stored but not confirmed by a broker that does not say where: each message is stored, place unknown. */
    @Test
    void aBatchStoredWithoutItsPositionCompletesEachMessageWithoutIdOrOffset() {
        MessageQueue q = new MessageQueue("orders", "b", 0);
        List<SendAccumulator.Entry> entries = List.of(entry("u0"), entry("u1"));

        SendAccumulator.complete(entries, new SendResult(null, q, -1, SendStatus.FLUSH_SLAVE_TIMEOUT, "u0,u1"), null);

        assertThat(entries).extracting(e -> e.result().join()).allSatisfy(r -> {
            assertThat(r.msgId()).isNull();
            assertThat(r.queueOffset()).isEqualTo(-1);
            assertThat(r.status()).isEqualTo(SendStatus.FLUSH_SLAVE_TIMEOUT);
        });
    }

    private static SendAccumulator.Entry entry(String uniqueId) {
        return new SendAccumulator.Entry(0, new byte[] {1}, new byte[0], uniqueId);
    }
}
