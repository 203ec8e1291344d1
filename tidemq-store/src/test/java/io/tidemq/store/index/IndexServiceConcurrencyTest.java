package io.tidemq.store.index;

import static io.tidemq.store.index.IndexServiceTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexServiceConcurrencyTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int KEYS = 50;
    private static final int RECORDS = 30_000;

    @TempDir
    Path dir;

    /** Record i is stored at offset i * 100 under key "k" + (i % KEYS); these keys do not collide in 4096 slots. */
    @Test
    void queriesAndRetentionRunningDuringDispatchOnlyEverSeeCompleteEntries() throws Exception {
        try (IndexService index = new IndexService(dir, 4096, 1000)) {
            index.load();
            AtomicBoolean dispatching = new AtomicBoolean(true);
            AtomicLong queries = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(3);

            Thread dispatcher = new Thread(() -> {
                try {
                    for (int i = 0; i < RECORDS; i++) {
                        index.dispatch(record("t", i * 100L, T0 + i, "k" + (i % KEYS), null));
                    }
                } finally {
                    dispatching.set(false);
                    done.countDown();
                }
            }, "test-dispatcher");
            Runnable querier = () -> {
                try {
                    int round = 0;
                    while (dispatching.get() || round < 10) {
                        int key = round++ % KEYS;
                        List<Long> offsets = index.queryPhysicalOffsets("t", "k" + key, 64, 0, Long.MAX_VALUE);
                        queries.incrementAndGet();
                        long previous = Long.MAX_VALUE;
                        for (long offset : offsets) {
                            if ((offset / 100) % KEYS != key || offset >= previous) {
                                failures.add("key k" + key + " returned " + offsets);
                                break;
                            }
                            previous = offset;
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                } finally {
                    done.countDown();
                }
            };
            Thread retention = new Thread(() -> {
                while (dispatching.get()) {
                    index.deleteFilesBelow(Math.max(0, index.maxIndexedCommitLogOffset() - 500_000));
                    index.flush();
                }
            }, "test-retention");

            dispatcher.start();
            new Thread(querier, "test-query-1").start();
            new Thread(querier, "test-query-2").start();
            retention.start();

            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            retention.join(10_000);
            assertThat(failures).isEmpty();
            assertThat(queries.get()).isGreaterThan(0);
            assertThat(index.maxIndexedCommitLogOffset()).isEqualTo((RECORDS - 1) * 100L);
            long newest = (RECORDS - 1 - (RECORDS - 1) % KEYS) * 100L;
            assertThat(index.queryPhysicalOffsets("t", "k0", 2, 0, Long.MAX_VALUE))
                    .containsExactly(newest, newest - KEYS * 100L);
        }
    }
}
