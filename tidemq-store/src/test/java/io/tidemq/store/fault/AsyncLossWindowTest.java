package io.tidemq.store.fault;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * storage-audit #15: in ASYNC mode a few bytes below {@code flushLeastPages} are not left unflushed until the
 * thorough flush: they are flushed at the next wake, so the OS-crash loss window is 2 x flushIntervalMs.
 */
class AsyncLossWindowTest {

    @TempDir
    Path dir;

    @Test
    void aSmallPutIsFlushedWithinTwoIntervalsEvenBelowFlushLeastPages() {
        StoreConfig config = smallConfig(dir).flushMode(FlushMode.ASYNC)
                .flushIntervalMs(50)
                .flushLeastPages(4)
                .flushThoroughIntervalMs(3_600_000) // before the fix, the only thing that flushed < 4 pages
                .build();
        DefaultMessageStore store = new DefaultMessageStore(config);
        store.start();
        try {
            PutResult put = store.putMessage(message("t", 0, "one small message")).join();
            await().until(() -> store.flushedOffset() >= put.endOffset());
            assertThat(store.flushedOffset()).isEqualTo(store.commitLogMaxOffset());
        } finally {
            store.close();
        }
    }
}
