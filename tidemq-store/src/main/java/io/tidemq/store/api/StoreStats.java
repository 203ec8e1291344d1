package io.tidemq.store.api;

/**
 * A point-in-time copy of the store's counters, for metrics and {@code tidemq bench store}.
 *
 * @param appendedRecords             records appended since start
 * @param appendedBytes               CommitLog bytes appended since start (records only, no blank markers)
 * @param commitLogFsyncs             fsyncs of the CommitLog that flushed something
 * @param groupCommits                SYNC group-commit rounds that completed at least one put
 * @param syncFlushedRecords          records acknowledged by group commit
 * @param recordsPerGroupCommit       average records acknowledged per group-commit fsync (0 in ASYNC mode)
 * @param syncFlushTimeouts           SYNC puts that timed out waiting for fsync
 * @param corruptRecords              distinct corrupt CommitLog ranges detected
 * @param corruptReads                reads refused because of corruption
 * @param dispatchedRecords           records handed to the dispatchers
 * @param deletedCommitLogFiles       CommitLog files deleted by retention
 * @param commitLogMinOffset          first physical offset still held
 * @param commitLogMaxOffset          physical offset one past the last appended byte
 * @param flushedOffset               physical offset up to which the CommitLog is durable
 * @param dispatchedOffset            physical offset up to which records were dispatched
 * @param brokenConsumeQueues         ConsumeQueues whose entry write failed and that are skipped until a restart
 */
public record StoreStats(
        long appendedRecords,
        long appendedBytes,
        long commitLogFsyncs,
        long groupCommits,
        long syncFlushedRecords,
        double recordsPerGroupCommit,
        long syncFlushTimeouts,
        long corruptRecords,
        long corruptReads,
        long dispatchedRecords,
        long deletedCommitLogFiles,
        long commitLogMinOffset,
        long commitLogMaxOffset,
        long flushedOffset,
        long dispatchedOffset,
        int brokenConsumeQueues) {
}
