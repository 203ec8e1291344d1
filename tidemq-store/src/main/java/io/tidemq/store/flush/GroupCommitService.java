package io.tidemq.store.flush;

import io.tidemq.store.FsyncFailedException;
import io.tidemq.store.PutResult;
import io.tidemq.store.StoreClosedException;
import io.tidemq.store.StoreIOException;
import io.tidemq.store.StoreMetrics;
import io.tidemq.store.SyncFlushTimeoutException;
import io.tidemq.store.file.MappedFileQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SYNC flush with group commit. Appenders enqueue (endOffset, future); the {@code tidemq-flush-commitlog}
 * thread swaps the whole pending list out, makes ONE fsync that covers every request in it (everything
 * written so far), and completes each future whose end offset is durable. While that fsync runs, the next
 * group accumulates, so records per fsync grows with the number of concurrent appenders.
 *
 * <p>A {@code tidemq-sync-flush-watchdog} thread fails requests older than {@code syncFlushTimeoutMs} with
 * {@link SyncFlushTimeoutException}, even while an fsync hangs.
 */
public final class GroupCommitService implements CommitLogFlusher {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitService.class);
    private static final long IDLE_WAIT_MS = 10;
    /**
     * Longest the flusher waits, once a request is pending, for the appenders of the previous group to come
     * back. Without it, on few cores the flusher grabs the first few returning appenders and groups shrink;
     * with it, one fsync again covers about as many puts as there are concurrent appenders.
     */
    private static final long GATHER_WINDOW_NS = 500_000;

    private record Request(PutResult result, long deadlineNs, CompletableFuture<PutResult> future) {
    }

    private final MappedFileQueue files;
    private final StoreMetrics metrics;
    private final long syncFlushTimeoutMs;
    private final Runnable afterFlush;
    private final Thread thread;
    private final ScheduledExecutorService watchdog;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition requestsArrived = lock.newCondition();
    /** Requests waiting for the next group. Guarded by lock. */
    private List<Request> waiting = new ArrayList<>();
    /** The group being flushed; swapped under lock, read by the flush thread and (under lock) the watchdog. */
    private List<Request> flushing = new ArrayList<>();
    /** Whether the flush thread is waiting on requestsArrived. Guarded by lock. */
    private boolean flusherIdle;
    /** Pending requests that make it worth waking the flusher. Guarded by lock. */
    private int wakeThreshold = 1;
    /** Requests in the previous group; the flusher's gathering target. Owned by the flush thread. */
    private int lastGroupSize = 1;
    /** Set once by close(); read by every thread. */
    private volatile boolean stopped;

    /**
     * @param afterFlush called on the flush thread after each fsync that advanced the flushed offset (the
     *                   dispatcher uses it to index newly durable records promptly)
     */
    public GroupCommitService(MappedFileQueue files, StoreMetrics metrics, long syncFlushTimeoutMs, Runnable afterFlush) {
        this.files = files;
        this.metrics = metrics;
        this.syncFlushTimeoutMs = syncFlushTimeoutMs;
        this.afterFlush = afterFlush;
        this.thread = new Thread(this::run, "tidemq-flush-commitlog");
        this.thread.setDaemon(true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidemq-sync-flush-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() {
        thread.start();
        long periodMs = Math.max(1, Math.min(100, syncFlushTimeoutMs / 4));
        watchdog.scheduleWithFixedDelay(this::failExpired, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<PutResult> onAppended(PutResult result) {
        CompletableFuture<PutResult> future = new CompletableFuture<>();
        Request request = new Request(result, System.nanoTime() + syncFlushTimeoutMs * 1_000_000L, future);
        FsyncFailedException failed = files.flushFailure();
        if (failed != null) {
            future.completeExceptionally(failed);
            return future;
        }
        lock.lock();
        try {
            if (stopped) {
                future.completeExceptionally(new StoreClosedException("the store is shutting down; the message at"
                        + " offset " + result.physicalOffset() + " was written but its durability is not confirmed"));
                return future;
            }
            waiting.add(request);
            if (flusherIdle && waiting.size() >= wakeThreshold) {
                requestsArrived.signal();
            }
        } finally {
            lock.unlock();
        }
        return future;
    }

    private void run() {
        log.info("{} started (SYNC, group commit, timeout {} ms)", thread.getName(), syncFlushTimeoutMs);
        while (!stopped) {
            try {
                List<Request> group = nextGroup();
                if (group != null) {
                    commit(group);
                }
            } catch (Throwable t) {
                log.error("{}: group commit failed", thread.getName(), t);
            }
        }
        log.info("{} stopped", thread.getName());
    }

    /** Waits for requests and swaps them into {@link #flushing}; null when woken with nothing to do. */
    private List<Request> nextGroup() throws InterruptedException {
        lock.lock();
        try {
            if (waiting.isEmpty()) {
                wakeThreshold = 1;
                flusherIdle = true;
                requestsArrived.await(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                flusherIdle = false;
                if (waiting.isEmpty()) {
                    return null;
                }
            }
            long gatherNs = GATHER_WINDOW_NS;
            while (waiting.size() < lastGroupSize && gatherNs > 0 && !stopped) {
                wakeThreshold = lastGroupSize;
                flusherIdle = true;
                gatherNs = requestsArrived.awaitNanos(gatherNs);
                flusherIdle = false;
            }
            List<Request> group = waiting;
            lastGroupSize = Math.max(1, group.size());
            waiting = flushing;
            flushing = group;
            return group;
        } finally {
            lock.unlock();
        }
    }

    private void commit(List<Request> group) {
        Throwable failure = null;
        try {
            if (files.flush(0)) {
                metrics.commitLogFsyncs.increment();
            }
        } catch (FsyncFailedException e) {
            failure = e; // logged once by the file queue when it happened; the CommitLog is fail-stopped
        } catch (Throwable t) {
            failure = t;
            log.error("{}: fsync failed; {} SYNC puts fail", thread.getName(), group.size(), t);
        }
        long flushed = files.flushedWhere();
        int completedRecords = 0;
        for (int i = 0, n = group.size(); i < n; i++) {
            Request request = group.get(i);
            if (request.result().endOffset() <= flushed) {
                if (request.future().complete(request.result())) {
                    completedRecords += request.result().storedCount();
                }
            } else if (failure instanceof FsyncFailedException fsyncFailed) {
                request.future().completeExceptionally(fsyncFailed);
            } else {
                request.future().completeExceptionally(new StoreIOException("fsync did not cover offset "
                        + request.result().endOffset() + " (flushed to " + flushed + ")"
                        + (failure == null ? "" : ": " + failure) + "; check the disk", failure));
            }
        }
        if (completedRecords > 0) {
            metrics.groupCommits.increment();
            metrics.syncFlushedRecords.add(completedRecords);
        }
        lock.lock();
        try {
            group.clear();
        } finally {
            lock.unlock();
        }
        if (afterFlush != null) {
            afterFlush.run();
        }
    }

    private void failExpired() {
        long nowNs = System.nanoTime();
        lock.lock();
        try {
            failExpired(waiting, nowNs);
            failExpired(flushing, nowNs);
        } finally {
            lock.unlock();
        }
    }

    private void failExpired(List<Request> requests, long nowNs) {
        for (int i = 0, n = requests.size(); i < n; i++) {
            Request request = requests.get(i);
            if (nowNs - request.deadlineNs() >= 0 && request.future().completeExceptionally(
                    new SyncFlushTimeoutException("message at offset " + request.result().physicalOffset()
                            + " was not confirmed durable within syncFlushTimeoutMs=" + syncFlushTimeoutMs
                            + "; the disk is slow or stuck. Retry the send (it may be stored twice)",
                            request.result()))) {
                metrics.syncFlushTimeouts.increment();
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            stopped = true;
            requestsArrived.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.shutdownNow();
        // puts that raced with shutdown: one last fsync covers them all
        List<Request> rest;
        lock.lock();
        try {
            rest = new ArrayList<>(waiting);
            rest.addAll(flushing);
            waiting.clear();
            flushing.clear();
        } finally {
            lock.unlock();
        }
        commit(rest);
    }
}
