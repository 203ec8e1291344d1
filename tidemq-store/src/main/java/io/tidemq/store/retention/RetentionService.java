package io.tidemq.store.retention;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.metrics.StoreMetrics;
import io.tidemq.store.queue.ConsumeQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Deletes old data on the {@code tidemq-retention} thread, every {@code deleteCheckIntervalMs}:
 * <ol>
 *   <li>whole CommitLog files, oldest first, while the oldest was last modified more than
 *       {@code retentionHours} ago or the disk is fuller than {@code diskMaxUsedRatio}; at most
 *       {@code deleteFilesPerRun} per run, never the active (last) file, and never a file not yet fully
 *       dispatched and flushed;</li>
 *   <li>then ConsumeQueue files whose entries all point below the new CommitLog minimum, and the key index
 *       below it.</li>
 * </ol>
 */
public final class RetentionService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);

    private final CommitLog commitLog;
    private final ConsumeQueueStore consumeQueues;
    private final StoreMetrics metrics;
    private final long retentionMs;
    private final double diskMaxUsedRatio;
    private final int deleteFilesPerRun;
    private final DoubleSupplier diskUsedRatio;
    private final LongSupplier dispatchedOffset;
    private final LongConsumer afterCommitLogTrim;
    private final LongSupplier clockMs;
    /** The {@code tidemq-retention} thread; set by start(), read by close() (the store's lifecycle calls). */
    private volatile ServiceThread loop;

    /**
     * @param diskUsedRatio      used/total of the disk holding the store
     * @param dispatchedOffset   CommitLog offset up to which records are indexed; files past it are kept
     * @param afterCommitLogTrim called with the new CommitLog minimum (the key index trims itself there)
     * @param clockMs            current time in epoch millis
     */
    public RetentionService(CommitLog commitLog, ConsumeQueueStore consumeQueues, StoreMetrics metrics,
                            int retentionHours, double diskMaxUsedRatio, int deleteFilesPerRun,
                            DoubleSupplier diskUsedRatio, LongSupplier dispatchedOffset,
                            LongConsumer afterCommitLogTrim, LongSupplier clockMs) {
        this.commitLog = commitLog;
        this.consumeQueues = consumeQueues;
        this.metrics = metrics;
        this.retentionMs = TimeUnit.HOURS.toMillis(retentionHours);
        this.diskMaxUsedRatio = diskMaxUsedRatio;
        this.deleteFilesPerRun = deleteFilesPerRun;
        this.diskUsedRatio = diskUsedRatio;
        this.dispatchedOffset = dispatchedOffset;
        this.afterCommitLogTrim = afterCommitLogTrim;
        this.clockMs = clockMs;
    }

    /** used/total of the file system holding {@code path}; 0 when it cannot be read. */
    public static double diskUsedRatio(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            long total = store.getTotalSpace();
            return total <= 0 ? 0 : 1.0 - (double) store.getUsableSpace() / total;
        } catch (IOException e) {
            return 0;
        }
    }

    public void start(long deleteCheckIntervalMs) {
        loop = ServiceThread.every("tidemq-retention", deleteCheckIntervalMs, this::runOnce,
                t -> log.error("tidemq-retention: a retention run failed; will retry next interval", t));
        loop.start();
    }

    /**
     * One retention pass (also callable directly, e.g. by tests and admin commands).
     *
     * @return CommitLog files deleted
     */
    public int runOnce() {
        long expiredBeforeMs = clockMs.getAsLong() - retentionMs;
        long safeEnd = Math.min(dispatchedOffset.getAsLong(), commitLog.flushedOffset());
        List<MappedFile> deleted = commitLog.files().deleteExpired(file -> {
            boolean done = file.fileFromOffset() + file.fileSizeBytes() <= safeEnd;
            if (!done) {
                return false;
            }
            if (file.lastModifiedMs() < expiredBeforeMs) {
                return true;
            }
            double used = diskUsedRatio.getAsDouble();
            if (used > diskMaxUsedRatio) {
                log.warn("disk {}% used, above diskMaxUsedRatio={}: deleting {} before its retention time",
                        Math.round(used * 100), diskMaxUsedRatio, file.path().getFileName());
                return true;
            }
            return false;
        }, deleteFilesPerRun);
        metrics.deletedCommitLogFiles.add(deleted.size());
        long minOffset = commitLog.minOffset();
        int queueFiles = consumeQueues.deleteBelow(minOffset);
        afterCommitLogTrim.accept(minOffset);
        if (deleted.isEmpty() && queueFiles == 0) {
            return 0;
        }
        log.info("retention deleted {} CommitLog file(s) and {} ConsumeQueue file(s); CommitLog now starts at {}",
                deleted.size(), queueFiles, minOffset);
        return deleted.size();
    }

    @Override
    public void close() {
        ServiceThread l = loop;
        if (l != null && !l.shutdown(10_000)) {
            log.warn("{}: a retention run did not finish within 10 s", l.name());
        }
    }
}
