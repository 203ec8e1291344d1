package io.tidemq.store.metrics;

import io.tidemq.store.api.StoreStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one store, updated by the threads that do the work (LongAdder: no contention among
 * appenders). {@link #snapshot} turns them into a {@link StoreStats}.
 */
public final class StoreMetrics {

    public final LongAdder appendedRecords = new LongAdder();
    public final LongAdder appendedBytes = new LongAdder();
    /** fsync/msync calls made by the CommitLog flush thread that actually flushed something. */
    public final LongAdder commitLogFsyncs = new LongAdder();
    /** Records whose SYNC put was completed by a group-commit fsync. */
    public final LongAdder syncFlushedRecords = new LongAdder();
    /** Group-commit rounds that completed at least one put. */
    public final LongAdder groupCommits = new LongAdder();
    public final LongAdder syncFlushTimeouts = new LongAdder();
    /** Distinct corrupt CommitLog ranges found by recovery, dispatch or reads. */
    public final LongAdder corruptRecords = new LongAdder();
    /** Reads refused because the record failed its checks. */
    public final LongAdder corruptReads = new LongAdder();
    public final LongAdder dispatchedRecords = new LongAdder();
    public final LongAdder deletedCommitLogFiles = new LongAdder();

    public StoreStats snapshot(long commitLogMinOffset, long commitLogMaxOffset, long flushedOffset,
                               long dispatchedOffset, int brokenConsumeQueues) {
        long rounds = groupCommits.sum();
        long synced = syncFlushedRecords.sum();
        return new StoreStats(appendedRecords.sum(), appendedBytes.sum(), commitLogFsyncs.sum(), rounds, synced,
                rounds == 0 ? 0.0 : (double) synced / rounds, syncFlushTimeouts.sum(), corruptRecords.sum(),
                corruptReads.sum(), dispatchedRecords.sum(), deletedCommitLogFiles.sum(), commitLogMinOffset,
                commitLogMaxOffset, flushedOffset, dispatchedOffset, brokenConsumeQueues);
    }
}
