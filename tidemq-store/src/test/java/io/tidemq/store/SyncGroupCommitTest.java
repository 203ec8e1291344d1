package io.tidemq.store;

import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.PutStatus;
import io.tidemq.store.api.StoreStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncGroupCommitTest {

    @TempDir
    Path dir;

    @Test
    void concurrentSyncAppendersShareFsyncsAndCompleteOnlyAfterTheirBytesAreFlushed() throws Exception {
        int threads = 32;
        int perThread = 50;
        AtomicInteger completedBeforeFlush = new AtomicInteger();
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC).build())) {
            store.start();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        PutResult result = store.putMessage(message("s", 0, 200)).thenApply(r -> {
                            if (store.flushedOffset() < r.endOffset()) {
                                completedBeforeFlush.incrementAndGet();
                            }
                            return r;
                        }).join();
                        assertThat(result.status()).isEqualTo(PutStatus.PUT_OK);
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();

            // the flush thread counts a group after handing its futures to the completion thread, so the count
            // can trail the last future by a moment
            await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> store.stats().syncFlushedRecords() == threads * perThread);
            StoreStats stats = store.stats();
            assertThat(completedBeforeFlush).hasValue(0);
            assertThat(stats.syncFlushedRecords()).isEqualTo(threads * perThread);
            assertThat(stats.commitLogFsyncs()).isLessThan(threads * perThread);
            assertThat(stats.recordsPerGroupCommit()).isGreaterThan(1.0);
            assertThat(stats.syncFlushTimeouts()).isZero();
            // SYNC dispatch never runs ahead of durable data
            assertThat(store.dispatchedOffset()).isLessThanOrEqualTo(store.flushedOffset());
        }
    }
}
