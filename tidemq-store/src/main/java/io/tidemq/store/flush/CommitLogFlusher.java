package io.tidemq.store.flush;

import io.tidemq.store.api.PutResult;

import java.util.concurrent.CompletableFuture;

/** Makes appended CommitLog bytes durable, and decides when a put may be acknowledged. */
public interface CommitLogFlusher extends AutoCloseable {

    void start();

    /**
     * Called by the appending thread after its records are written (outside the append lock).
     *
     * @return a future completed when the put may be acknowledged: at once in ASYNC mode, after the fsync
     *         covering {@link PutResult#endOffset()} in SYNC mode
     */
    CompletableFuture<PutResult> onAppended(PutResult result);

    /**
     * Stops the thread after a final flush of everything written. Never throws: a failed final flush is
     * recorded by the file queue (its flushed offset stays below the end, or its flush failure is set), which
     * the store checks before it marks a clean shutdown.
     */
    @Override
    void close();

    /**
     * Stops the thread WITHOUT a final flush, as a crash would (the store's {@code closeAbruptly()}, for tests of
     * recovery): pending SYNC puts fail with {@link io.tidemq.store.api.StoreClosedException}; their records may or
     * may not survive. Returns once every put is settled: none completes afterwards.
     */
    void abort();
}
