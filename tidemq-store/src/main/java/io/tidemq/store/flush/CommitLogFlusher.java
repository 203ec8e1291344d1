package io.tidemq.store.flush;

import io.tidemq.store.PutResult;

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

    /** Stops the thread after a final flush of everything written. */
    @Override
    void close();
}
