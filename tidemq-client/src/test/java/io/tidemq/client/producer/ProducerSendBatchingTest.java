package io.tidemq.client.producer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.InvalidArgumentException;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.ResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** docs/client.md, "Batching async sends": {@code sendBatchLingerMs} and {@code sendBatchMaxBytes}. */
class ProducerSendBatchingTest {

    @TempDir
    Path dir;

    private FakeCluster cluster;
    private ClientConfig config;
    private final List<Producer> producers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster(1);
        cluster.topic("orders", 1);
        config = cluster.config(dir).maxMessageBytes(64 * 1024).build();
    }

    @AfterEach
    void tearDown() {
        producers.forEach(Producer::close);
        cluster.close();
    }

    private Producer producer(long lingerMs, int maxBytes) {
        Producer p = Producer.builder("pg-" + producers.size(), config).sendBatchLingerMs(lingerMs)
                .sendBatchMaxBytes(maxBytes).build();
        producers.add(p);
        p.start();
        return p;
    }

    private static Message msg(String body) {
        return Message.builder("orders").tag("t").keys("k-" + body).body(body).build();
    }

    private int requests() {
        return cluster.broker(0).sendRequests.get();
    }

    @Test
    void byDefaultEveryAsyncSendIsItsOwnRequest() throws Exception {
        Producer p = Producer.builder("plain", config).build();
        producers.add(p);
        p.start();
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(p.sendAsync(msg("m" + i)));
        }
        for (CompletableFuture<SendResult> f : futures) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(requests()).isEqualTo(10);
    }

    @Test
    void asyncSendsToATopicLeaveInOneRequestAndEachGetsItsOwnResultInOrder() throws Exception {
        Producer p = producer(10_000, 32 * 1024);
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(p.sendAsync(msg("m" + i)));
        }
        assertThat(futures).noneMatch(CompletableFuture::isDone).as("waiting for the linger");
        p.close(); // sends what waits and waits for the answer

        List<MessageExt> stored = cluster.broker(0).messages("orders", 0);
        assertThat(requests()).isEqualTo(1);
        assertThat(stored).extracting(m -> new String(m.body())).containsExactly(
                "m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        for (int i = 0; i < 10; i++) {
            SendResult r = futures.get(i).get(5, TimeUnit.SECONDS);
            MessageExt m = stored.get(i);
            assertThat(r.isOk()).isTrue();
            assertThat(r.queueOffset()).isEqualTo(m.queueOffset());
            assertThat(r.msgId()).isEqualTo(m.msgId());
            assertThat(r.uniqueId()).isEqualTo(m.property(MessageConst.UNIQ_KEY)).doesNotContain(",");
            assertThat(m.tag()).isEqualTo("t");
            assertThat(m.keys()).containsExactly("k-m" + i);
        }
    }

    @Test
    void aBatchLeavesAfterTheLingerWithoutFurtherSends() throws Exception {
        Producer p = producer(20, 32 * 1024);
        SendResult r = p.sendAsync(msg("alone")).get(5, TimeUnit.SECONDS);
        assertThat(r.queueOffset()).isZero();
        assertThat(requests()).isEqualTo(1);
    }

    /**
     * Batches that fill up leave without the linger timer: it holds one task, for the oldest batch waiting, instead of
     * one scheduled and cancelled per batch (each woke the timer thread: a futex wake-up per schedule and per cancel on
     * the sending thread, issue 10).
     */
    @Test
    void batchesThatFillUpDoNotEachScheduleALingerTask() {
        Producer p = producer(10_000, 1_024);
        List<CompletableFuture<SendResult>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(p.sendAsync(msg("message-" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> requests() >= 10);
        assertThat(p.accumulator().expiriesScheduled()).isEqualTo(1);
        p.close();
        assertThat(sent).allSatisfy(f -> assertThat(f).isCompleted());
    }

    /**
     * A batch opened after the one the timer task was scheduled for still leaves after its own linger, once that
     * earlier batch left full: the task finds it not yet due and schedules itself again for it.
     */
    @Test
    void aBatchOpenedWhileTheTimerWaitsForAnEarlierOneLeavesAfterItsOwnLinger() throws Exception {
        cluster.topic("other", 1);
        Producer p = producer(300, 1_024);
        List<CompletableFuture<SendResult>> first = new ArrayList<>();
        for (int i = 0; first.isEmpty() || requests() == 0; i++) {
            first.add(p.sendAsync(msg("first-" + i))); // until a batch leaves full: the next one is open
        }
        long openedNs = System.nanoTime();
        CompletableFuture<SendResult> later = p.sendAsync(Message.builder("other").body("x").build());
        SendResult r = later.get(10, TimeUnit.SECONDS);
        assertThat(r.queueOffset()).isZero();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNs)).isGreaterThanOrEqualTo(250);
        assertThat(p.accumulator().expiriesScheduled()).isLessThanOrEqualTo(3);
    }

    @Test
    void aBatchLeavesAsSoonAsTheNextMessageWouldNotFit() {
        Producer p = producer(10_000, 1_024);
        String body = "x".repeat(400); // 16 + 401 + properties (UNIQ_KEY: 42) bytes an entry: two fit in 1 KiB
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(p.sendAsync(Message.builder("orders").body(body + i).build()));
        }
        // the third message sent the first two, the fifth the next two; the fifth waits for its linger
        await().atMost(Duration.ofSeconds(5)).until(() -> futures.subList(0, 4).stream().allMatch(CompletableFuture::isDone));
        assertThat(requests()).isEqualTo(2);
        assertThat(futures.get(4)).isNotDone();
        // each pair stored together (the fake broker may serve two pipelined requests in either order)
        assertThat(cluster.broker(0).messages("orders", 0)).extracting(m -> new String(m.body()))
                .containsExactlyInAnyOrder(body + 0, body + 1, body + 2, body + 3);
        assertThat(futures.get(1).join().queueOffset()).isEqualTo(futures.get(0).join().queueOffset() + 1);
        assertThat(futures.get(3).join().queueOffset()).isEqualTo(futures.get(2).join().queueOffset() + 1);
    }

    @Test
    void aMessageLargerThanABatchIsSentAloneAndWhatWaitedForItsTopicLeavesWithoutWaitingOutTheLinger()
            throws Exception {
        Producer p = producer(10_000, 1_024);
        CompletableFuture<SendResult> small = p.sendAsync(msg("small"));
        SendResult large = p.sendAsync(msg("y".repeat(2_000))).get(5, TimeUnit.SECONDS);
        assertThat(small.get(5, TimeUnit.SECONDS).isOk()).as("sent before the large one, not after 10 s").isTrue();
        assertThat(large.isOk()).isTrue();
        assertThat(requests()).isEqualTo(2);
        assertThat(cluster.broker(0).messages("orders", 0)).hasSize(2);
    }

    @Test
    void delayedMessagesAreNotBatched() throws Exception {
        Producer p = producer(10_000, 32 * 1024);
        Message delayed = Message.builder("orders").delayMs(60_000).body("later").build();
        p.sendAsync(delayed).get(5, TimeUnit.SECONDS);
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void aFailedBatchFailsEveryMessageWithTheBrokersError() {
        cluster.broker(0).failNextSends(100, ResponseCode.MESSAGE_ILLEGAL);
        Producer p = producer(20, 32 * 1024);
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(p.sendAsync(msg("f" + i)));
        }
        for (CompletableFuture<SendResult> f : futures) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(SendFailedException.class, e -> {
                        assertThat(e.responseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
                        assertThat(e.getMessage()).contains("send to topic 'orders'").contains("injected failure");
                    });
        }
        assertThat(requests()).as("one request, not retried: the refusal would repeat").isEqualTo(1);
    }

    @Test
    void aRetriableFailureRetriesTheWholeBatch() throws Exception {
        cluster.broker(0).failNextSends(1, ResponseCode.SYSTEM_BUSY);
        Producer p = producer(20, 32 * 1024);
        CompletableFuture<SendResult> a = p.sendAsync(msg("a"));
        CompletableFuture<SendResult> b = p.sendAsync(msg("b"));
        assertThat(a.get(5, TimeUnit.SECONDS).queueOffset()).isZero();
        assertThat(b.get(5, TimeUnit.SECONDS).queueOffset()).isEqualTo(1);
        assertThat(requests()).isEqualTo(2);
        assertThat(cluster.broker(0).messages("orders", 0)).extracting(m -> new String(m.body())).containsExactly("a", "b");
    }

    @Test
    void outOfRangeSettingsAreRefusedWhenTheProducerIsBuilt() {
        assertThatThrownBy(() -> Producer.builder("g", config).sendBatchLingerMs(-1).build())
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("sendBatchLingerMs must be in [0, 10000]");
        assertThatThrownBy(() -> Producer.builder("g", config).sendBatchLingerMs(5).sendBatchMaxBytes(64 * 1024 + 1).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("sendBatchMaxBytes must be in [1024, 65536 (maxMessageBytes)]");
        assertThatThrownBy(() -> Producer.builder("g", config).sendBatchLingerMs(5).sendBatchMaxBytes(100).build())
                .isInstanceOf(InvalidArgumentException.class);
        // without batching the size bound is not used, so it is not checked
        Producer.builder("g", config).sendBatchMaxBytes(100).build().close();
    }
}
