package io.tidemq.store.fault;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.SyncFlushTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** storage-audit #13: SYNC futures complete off the flush thread and outside the group-commit lock. */
class SyncAckThreadTest {

    @TempDir
    Path dir;

    @Test
    void aDependentStageThatBlocksOnAnotherSyncPutDoesNotDeadlockTheStore() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC)
                .syncFlushTimeoutMs(200).fileIo(io).build());
        store.start();
        boolean healthy = false;
        try {
            store.putMessage(message("t", 0, "warm")).join();
            io.blockForces(); // a slow disk: the watchdog times the next put out
            CompletableFuture<PutResult> first = store.putMessage(message("t", 0, "first"));
            AtomicReference<Throwable> firstOutcome = new AtomicReference<>();
            CompletableFuture<Void> nested = first.handle((r, t) -> {
                firstOutcome.set(t);
                store.putMessage(message("t", 0, "nested")).join(); // blocks whichever thread completed `first`
                return null;
            });
            await().until(first::isDone);
            assertThat(firstOutcome.get()).isInstanceOf(SyncFlushTimeoutException.class);
            io.unblockForces();

            // another producer must still get through: before the fix the watchdog held the lock forever
            CompletableFuture<PutResult> other = CompletableFuture.supplyAsync(
                    () -> store.putMessage(message("t", 0, "other")).join());
            await().atMost(Duration.ofSeconds(20)).until(other::isDone);
            assertThat(other.join().queueOffset()).isPositive();
            await().atMost(Duration.ofSeconds(20)).until(nested::isDone);
            healthy = true;
        } finally {
            io.unblockForces();
            if (healthy) {
                store.close();
            }
        }
    }

    @Test
    void successfulPutsCompleteOnTheAckThreadNotTheFlushThread() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC).fileIo(io).build());
        store.start();
        try {
            io.blockForces();
            CompletableFuture<String> completedOn = store.putMessage(message("t", 0, "m"))
                    .thenApply(r -> Thread.currentThread().getName());
            io.unblockForces();
            assertThat(completedOn.join()).isEqualTo("tidemq-sync-ack");
        } finally {
            store.close();
        }
    }

    @Test
    void closeOnAStuckDiskGivesUpAfterTheFlushTimeoutAndIsNotClean() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC)
                .syncFlushTimeoutMs(300).fileIo(io).build());
        store.start();
        store.putMessage(message("t", 0, "durable")).join();
        io.blockForces();
        CompletableFuture<PutResult> pending = store.putMessage(message("t", 0, "stuck"));
        try {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
            await().atMost(Duration.ofSeconds(20)).until(closing::isDone);
            assertThat(pending).isCompletedExceptionally();
            assertThat(pending.handle((r, t) -> t instanceof CompletionException ? t.getCause() : t).join())
                    .isInstanceOf(SyncFlushTimeoutException.class);
            assertThat(dir.resolve("abort")).as("a stuck final fsync is not a clean shutdown").exists();
        } finally {
            io.unblockForces();
        }
    }
}
