package io.tidemq.store;

import io.tidemq.common.filter.TagsCode;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageTooLargeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreClosedException;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.commitlog.DispatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DefaultMessageStoreTest {

    @TempDir
    Path dir;

    @Test
    void putThenGetReturnsTheMessagesInQueueOrderAcrossRolledFiles() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            List<PutResult> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(store.putMessage(message("orders", 1, "m-" + i + "-" + "x".repeat(900))).join());
            }
            assertThat(results).extracting(PutResult::queueOffset).containsExactly(
                    java.util.stream.LongStream.range(0, 200).boxed().toArray(Long[]::new));
            assertThat(store.commitLogMaxOffset()).isGreaterThan(3L * TestStores.FILE_BYTES);
            await().until(() -> store.maxQueueOffset("orders", 1) == 200);

            GetResult get = store.getMessages("orders", 1, 0, 500, Long.MAX_VALUE, null);

            assertThat(get.status()).isEqualTo(GetStatus.FOUND);
            assertThat(get.messages()).hasSize(200);
            assertThat(get.nextBeginOffset()).isEqualTo(200);
            for (int i = 0; i < 200; i++) {
                assertThat(TestStores.bodyText(get.messages().get(i))).startsWith("m-" + i + "-");
                assertThat(get.messages().get(i).msgId()).isEqualTo(results.get(i).msgId());
            }
            assertThat(store.lookByMessageId(results.get(150).msgId()).queueOffset()).isEqualTo(150);
            assertThat(store.topics()).containsExactly("orders");
            assertThat(store.queueIds("orders")).containsExactly(1);
        }
    }

    /** messaging-audit #23: a deleted topic's queues are dropped with their files; the name starts empty again. */
    @Test
    void deletingATopicsQueuesDropsTheirFilesAndRestartsTheirOffsets() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 5; i++) {
                store.putMessage(message("orders", 0, "old-" + i)).join();
                store.putMessage(message("audit", 0, "kept-" + i)).join();
            }
            await().until(() -> store.maxQueueOffset("orders", 0) == 5 && store.maxQueueOffset("audit", 0) == 5);

            store.deleteTopicQueues("orders");

            assertThat(store.topics()).containsExactly("audit");
            assertThat(store.maxQueueOffset("orders", 0)).isZero();
            assertThat(java.nio.file.Files.exists(dir.resolve("consumequeue").resolve("orders"))).isFalse();
            assertThat(store.getMessages("orders", 0, 0, 32, Long.MAX_VALUE, null).messages()).isEmpty();
            PutResult fresh = store.putMessage(message("orders", 0, "new-0")).join();
            assertThat(fresh.queueOffset()).isZero();
            await().until(() -> store.maxQueueOffset("orders", 0) == 1);
            assertThat(store.getMessages("orders", 0, 0, 32, Long.MAX_VALUE, null).messages())
                    .extracting(TestStores::bodyText).containsExactly("new-0");
            assertThat(store.maxQueueOffset("audit", 0)).isEqualTo(5);
        }
    }

    @Test
    void getMessagesReportsEndOffsetsAndTooSmallOrTooBigOffsets() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 5; i++) {
                store.putMessage(message("t", 0, "b" + i)).join();
            }
            await().until(() -> store.maxQueueOffset("t", 0) == 5);

            assertThat(store.getMessages("t", 0, 5, 10, Long.MAX_VALUE, null).status()).isEqualTo(GetStatus.NO_MESSAGE);
            GetResult tooBig = store.getMessages("t", 0, 9, 10, Long.MAX_VALUE, null);
            assertThat(tooBig.status()).isEqualTo(GetStatus.OFFSET_TOO_BIG);
            assertThat(tooBig.nextBeginOffset()).isEqualTo(5);
            assertThat(store.getMessages("t", 0, 2, 2, Long.MAX_VALUE, null).messages())
                    .extracting(StoredMessage::queueOffset).containsExactly(2L, 3L);
            assertThat(store.getMessages("t", 0, 0, 10, 1, null).messages()).hasSize(1);
            assertThat(store.getMessages("unknown", 0, 0, 10, Long.MAX_VALUE, null).status())
                    .isEqualTo(GetStatus.NO_MESSAGE);
        }
    }

    @Test
    void batchRecordsAreContiguousWithConsecutiveQueueOffsets() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            store.putMessage(message("b", 2, "first")).join();
            List<MessageRecord> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(message("b", 2, "batch-" + i));
            }

            PutResult result = store.putMessages(batch).join();

            assertThat(result.storedCount()).isEqualTo(10);
            assertThat(result.queueOffset()).isEqualTo(1);
            long[] offsets = result.physicalOffsets();
            for (int i = 1; i < offsets.length; i++) {
                assertThat(offsets[i]).isEqualTo(offsets[i - 1] + batch.get(i - 1).recordLength());
            }
            assertThat(result.msgIds()).hasSize(10);
            StoredMessage last = store.lookByMessageId(result.msgIds().get(9));
            assertThat(last.queueOffset()).isEqualTo(10);
            assertThat(TestStores.bodyText(last)).isEqualTo("batch-9");
        }
    }

    @Test
    void invalidPutsFailWithTypedExceptions() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).maxMessageBytes(1000).build())) {
            store.start();
            assertThat(store.putMessage(message("t", 0, 1001))).failsWithin(5, TimeUnit.SECONDS)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(MessageTooLargeException.class);
            assertThat(store.putMessages(List.of(message("t", 0, "a"), message("u", 0, "b"))))
                    .failsWithin(5, TimeUnit.SECONDS)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(InvalidMessageException.class);
        }
        DefaultMessageStore closed = new DefaultMessageStore(smallConfig(dir).build());
        assertThat(closed.putMessage(message("t", 0, "x"))).isCompletedExceptionally();
        assertThatThrownBy(() -> closed.putMessage(message("t", 0, "x")).join())
                .hasCauseInstanceOf(StoreClosedException.class);
    }

    @Test
    void aSecondStoreCannotOpenTheSameDirectory() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            DefaultMessageStore second = new DefaultMessageStore(smallConfig(dir).build());
            assertThatThrownBy(second::start).isInstanceOf(StoreIOException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void concurrentAppendersGetUniqueContiguousOffsetsAndEveryRecordIsReadable() throws Exception {
        int threads = 8;
        int perThread = 500;
        ConcurrentLinkedQueue<PutResult> results = new ConcurrentLinkedQueue<>();
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        results.add(store.putMessage(message("c", i % 2, thread + ":" + i)).join());
                    }
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();

            assertThat(results).hasSize(threads * perThread);
            Set<Long> physical = new HashSet<>();
            for (int q = 0; q < 2; q++) {
                int queue = q;
                List<Long> offsets = results.stream().filter(r -> r.msgId() != null)
                        .filter(r -> store.readByPhysicalOffset(r.physicalOffset()).queueId() == queue)
                        .map(PutResult::queueOffset).sorted().toList();
                assertThat(offsets).containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, offsets.size()).boxed().toList());
            }
            results.forEach(r -> assertThat(physical.add(r.physicalOffset())).isTrue());
            await().until(() -> store.maxQueueOffset("c", 0) + store.maxQueueOffset("c", 1) == threads * perThread);
            Set<String> bodies = new HashSet<>();
            for (int q = 0; q < 2; q++) {
                long next = 0;
                while (next < store.maxQueueOffset("c", q)) {
                    GetResult get = store.getMessages("c", q, next, 64, Long.MAX_VALUE, null);
                    get.messages().forEach(m -> bodies.add(TestStores.bodyText(m)));
                    next = get.nextBeginOffset();
                }
            }
            assertThat(bodies).hasSize(threads * perThread);
            assertThat(store.stats().appendedRecords()).isEqualTo(threads * perThread);
        }
    }

    @Test
    void dispatchersAndArrivalListenersSeeEveryRecordInOrder() {
        List<DispatchRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.addDispatcher(seen::add);
            store.addArrivalListener((topic, queueId, max) -> arrivals.add(max));
            store.start();
            for (int i = 0; i < 20; i++) {
                store.putMessage(MessageRecord.builder("d", 0).body(new byte[10]).tags("T" + (i % 2))
                        .keys("key-" + i).storeHost(TestStores.STORE_HOST).build()).join();
            }
            await().until(() -> seen.size() == 20 && arrivals.contains(20L));

            assertThat(seen).extracting(DispatchRequest::queueOffset)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());
            assertThat(seen.get(3).keys()).isEqualTo("key-3");
            assertThat(seen.get(3).tagsCode()).isEqualTo(TagsCode.of("T1"));
            assertThatThrownBy(() -> store.addDispatcher(seen::add)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void queryByKeyFindsMessagesThroughTheKeyIndex() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 30; i++) {
                store.putMessage(MessageRecord.builder("k", 0).body(new byte[10]).keys("order-" + (i % 3))
                        .storeHost(TestStores.STORE_HOST).build()).join();
            }
            await().until(() -> store.dispatchedOffset() == store.commitLogMaxOffset());

            List<StoredMessage> found = store.queryByKey("k", "order-1", 100, 0, Long.MAX_VALUE);

            assertThat(found).hasSize(10).allSatisfy(m -> assertThat(m.keys()).isEqualTo("order-1"));
            assertThat(store.queryByKey("other", "order-1", 100, 0, Long.MAX_VALUE)).isEmpty();
        }
    }
}
