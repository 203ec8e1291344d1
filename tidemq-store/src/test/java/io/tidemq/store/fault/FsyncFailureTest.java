package io.tidemq.store.fault;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.StoreWriteState;
import io.tidemq.store.recovery.StoreCheckpoint;
import io.tidemq.store.recovery.StoreDirectoryGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static io.tidemq.store.TestStores.bodyText;
import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** storage-audit #4: a failed fsync is fail-stop. */
class FsyncFailureTest {

    @TempDir
    Path dir;

    private StoreConfig config(FlushMode mode, FaultyFileIo io) {
        return smallConfig(dir).flushMode(mode).fileIo(io).build();
    }

    private static Throwable failureOf(CompletableFuture<PutResult> put) {
        assertThatThrownBy(put::join).isInstanceOf(CompletionException.class);
        return put.handle((r, t) -> t instanceof CompletionException ? t.getCause() : t).join();
    }

    @Test
    void afterAFailedFsyncSyncPutsFailAndNothingPastTheFailedRangeIsCalledDurable() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC, io));
        store.start();
        List<PutResult> acknowledged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acknowledged.add(store.putMessage(message("t", 0, "ok" + i)).join());
        }
        long durableBefore = store.flushedOffset();

        io.failNextForces(1); // Linux reports a write-back error once; the retry "succeeds"
        Throwable first = failureOf(store.putMessage(message("t", 0, "lost")));
        assertThat(first).isInstanceOf(StoreIOException.class).hasMessageContaining("fsync");

        for (int i = 0; i < 3; i++) {
            Throwable later = failureOf(store.putMessage(message("t", 0, "after" + i)));
            assertThat(later).isInstanceOf(FsyncFailedException.class)
                    .hasMessageContaining("failed fsync").hasMessageContaining("restart");
        }
        assertThat(io.failedForces.get()).isEqualTo(1);
        assertThat(store.flushedOffset()).isEqualTo(durableBefore);
        assertThat(store.writeState()).isEqualTo(StoreWriteState.FSYNC_FAILED);
        assertThat(store.writeRefusal()).contains("fsync");
        // reads keep working
        assertThat(bodyText(store.readByPhysicalOffset(acknowledged.get(4).physicalOffset()))).isEqualTo("ok4");

        store.close();
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).as("not a clean shutdown").exists();
        StoreCheckpoint checkpoint = StoreCheckpoint.load(dir);
        assertThat(checkpoint.commitLogFlushedOffset()).isLessThanOrEqualTo(durableBefore);

        DefaultMessageStore reopened = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC).build());
        reopened.start();
        try {
            for (int i = 0; i < acknowledged.size(); i++) {
                assertThat(bodyText(reopened.readByPhysicalOffset(acknowledged.get(i).physicalOffset())))
                        .isEqualTo("ok" + i);
            }
            assertThat(reopened.writeState()).isEqualTo(StoreWriteState.WRITABLE);
            reopened.putMessage(message("t", 0, "again")).join();
        } finally {
            reopened.close();
        }
    }

    @Test
    void afterAFailedAsyncFlushPutsAreRefusedAndShutdownIsNotClean() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC, io));
        store.start();
        store.putMessage(message("t", 0, "first")).join();
        await().until(() -> store.flushedOffset() == store.commitLogMaxOffset());
        long durableBefore = store.flushedOffset();

        io.failNextForces(1);
        store.putMessage(message("t", 0, "unflushed")).join();
        await().until(() -> io.failedForces.get() == 1);
        await().until(() -> store.writeState() == StoreWriteState.FSYNC_FAILED);

        assertThat(failureOf(store.putMessage(message("t", 0, "refused")))).isInstanceOf(FsyncFailedException.class);
        assertThat(store.flushedOffset()).isEqualTo(durableBefore);

        store.close();
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).exists();
        assertThat(StoreCheckpoint.load(dir).commitLogFlushedOffset()).isLessThanOrEqualTo(durableBefore);
    }

    @Test
    void aFailedFinalFsyncAtCloseKeepsTheAbortMarker() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.ASYNC)
                .flushIntervalMs(60_000).flushThoroughIntervalMs(3_600_000).fileIo(io).build());
        store.start();
        store.putMessage(message("t", 0, "in the page cache only")).join();
        io.failNextForces(1);

        store.close();

        assertThat(io.failedForces.get()).isEqualTo(1);
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).exists();
    }
}
