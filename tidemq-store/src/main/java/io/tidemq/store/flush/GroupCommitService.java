package io.tidemq.store.flush;

import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreClosedException;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.SyncFlushTimeoutException;
import io.tidemq.store.file.MappedFileQueue;
import io.tidemq.store.metrics.StoreMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SYNC flush with group commit. Appenders enqueue (endOffset, future); the {@code tidemq-flush-commitlog}
 * thread swaps the whole pending list out, makes ONE fsync that covers every request in it (everything
 * written so far), and hands the group to the {@code tidemq-sync-ack} thread, which completes each future
 * whose end offset is durable. While that fsync runs, the next group accumulates, so records per fsync grows
 * with the number of concurrent appenders.
 *
 * <p>A {@code tidemq-sync-flush-watchdog} thread fails requests older than {@code syncFlushTimeoutMs} with
 * {@link SyncFlushTimeoutException}, even while an fsync hangs or the ack thread is busy.
 *
 * <p>Where dependent stages run: futures are never completed on the flush thread, nor while {@link #lock} is
 * held. A successful put completes on {@code tidemq-sync-ack}, a timed-out one on the watchdog thread. A stage
 * that blocks (for example on another SYNC put's {@code join()}) therefore never stops fsyncs and never holds
 * the lock; at worst it delays the acknowledgement of other puts until their own timeout fails them. Stages
 * should still not block: attach them with an executor ({@code thenApplyAsync}) when they must.
 */
public final class GroupCommitService implements CommitLogFlusher {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitService.class);
    private static final long IDLE_WAIT_MS = 10;
    /**
     * Longest the flusher waits, once a request is pending, for the appenders of the previous group to come
     * back. Without it, on few cores the flusher grabs the first few returning appenders and groups shrink;
     * with it, one fsync again covers about as many puts as there are concurrent appenders. 1 ms: 64 appenders
     * on 2 cores need about that long to come back (500 us gave 56 - 61 records per fsync instead of 61 - 63).
     */
    private static final long GATHER_WINDOW_NS = 1_000_000;

    private record Request(PutResult result, long deadlineNs, CompletableFuture<PutResult> future) {
    }

    /** A flushed group waiting for the ack thread: its requests, the durable end and the fsync failure if any. */
    private record Acks(List<Request> requests, long flushedOffset, Throwable failure) {
    }

    private final MappedFileQueue files;
    private final StoreMetrics metrics;
    private final long syncFlushTimeoutMs;
    private final Runnable afterFlush;
    private final Loop loop = new Loop();
    private final ScheduledExecutorService watchdog;
    /** Completes futures, one flushed group after the other (tidemq-sync-ack). */
    private final ExecutorService ackExecutor;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition requestsArrived = lock.newCondition();
    /** Requests waiting for the next group. Guarded by lock. */
    private List<Request> waiting = new ArrayList<>();
    /** The group being flushed; swapped under lock, read by the flush thread and (under lock) the watchdog. */
    private List<Request> flushing = new ArrayList<>();
    /**
     * Flushed groups handed to the ack thread and not yet completed: added by the flush thread, removed by the
     * ack thread, read by the watchdog (so a busy ack thread cannot hide a request from its timeout). Concurrent.
     */
    private final ConcurrentLinkedQueue<Acks> acking = new ConcurrentLinkedQueue<>();
    /** Whether the flush thread is waiting on requestsArrived. Guarded by lock. */
    private boolean flusherIdle;
    /**
     * Whether the flush thread waits on requestsArrived for the ack thread to release the previous group (see
     * {@link #nextGroup}). Guarded by lock.
     */
    private boolean flusherAwaitsAcks;
    /** Pending requests that make it worth waking the flusher. Guarded by lock. */
    private int wakeThreshold = 1;
    /** Requests in the previous group; the flusher's gathering target. Owned by the flush thread. */
    private int lastGroupSize = 1;
    /**
     * Set by {@link #abort()} before it stops the flush thread, read by that thread: a crash makes no final fsync,
     * so what is pending then fails instead of being flushed.
     */
    private volatile boolean aborting;

    /**
     * @param afterFlush called on the flush thread after each fsync that advanced the flushed offset (the
     *                   dispatcher uses it to index newly durable records promptly); must not block
     */
    public GroupCommitService(MappedFileQueue files, StoreMetrics metrics, long syncFlushTimeoutMs, Runnable afterFlush) {
        this.files = files;
        this.metrics = metrics;
        this.syncFlushTimeoutMs = syncFlushTimeoutMs;
        this.afterFlush = afterFlush;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                NamedThreadFactory.single("tidemq-sync-flush-watchdog", true));
        this.ackExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                NamedThreadFactory.single("tidemq-sync-ack", true));
    }

    @Override
    public void start() {
        log.info("{} started (SYNC, group commit, timeout {} ms)", loop.name(), syncFlushTimeoutMs);
        loop.start();
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
        boolean refused;
        lock.lock();
        try {
            refused = loop.isStopped();
            if (!refused) {
                waiting.add(request);
                if (flusherIdle && waiting.size() >= wakeThreshold) {
                    requestsArrived.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            future.completeExceptionally(new StoreClosedException("the store is shutting down; the message at"
                    + " offset " + result.physicalOffset() + " was written but its durability is not confirmed"));
        }
        return future;
    }

    /** The flush thread; stopped means "refuse new requests, flush what is pending once more, end". */
    private final class Loop extends ServiceThread {
        Loop() {
            super("tidemq-flush-commitlog");
        }

        @Override
        protected void onLoop() throws InterruptedException {
            List<Request> group = nextGroup();
            if (group != null) {
                commit(group);
            }
        }

        @Override
        protected boolean onFailure(Throwable failure) {
            log.error("{}: group commit failed", name(), failure);
            return true;
        }

        /**
         * Puts that raced with shutdown: one last fsync covers them all (close() bounds how long it may take).
         * Not after {@link #abort()}, which fails them: a crashed process makes no last fsync.
         */
        @Override
        protected void onStopped() {
            if (aborting) {
                log.info("{} stopped (aborted: nothing pending was flushed)", name());
                return;
            }
            List<Request> rest;
            lock.lock();
            try {
                rest = waiting;
                waiting = new ArrayList<>();
                flushing = rest;
            } finally {
                lock.unlock();
            }
            if (!rest.isEmpty()) {
                commit(rest);
            }
            log.info("{} stopped", name());
        }

        /** The flusher waits on {@link #requestsArrived}, not in waitForRunning. */
        @Override
        protected void onStopRequested() {
            lock.lock();
            try {
                requestsArrived.signal();
            } finally {
                lock.unlock();
            }
        }
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
            // The previous group's appenders can come back only once the ack thread has completed their
            // futures. Gathering before that took the few that were already back, the target fell to that
            // size, and groups stayed short (40 instead of 64 records per fsync with 64 writers on 2 cores):
            // so the gathering window starts once that group is acknowledged (waited for at most one window).
            long ackWaitNs = GATHER_WINDOW_NS;
            while (!acking.isEmpty() && waiting.size() < lastGroupSize && ackWaitNs > 0 && !loop.isStopped()) {
                flusherAwaitsAcks = true;
                ackWaitNs = requestsArrived.awaitNanos(ackWaitNs);
                flusherAwaitsAcks = false;
            }
            long gatherNs = GATHER_WINDOW_NS;
            while (waiting.size() < lastGroupSize && gatherNs > 0 && !loop.isStopped()) {
                wakeThreshold = lastGroupSize;
                flusherIdle = true;
                gatherNs = requestsArrived.awaitNanos(gatherNs);
                flusherIdle = false;
            }
            List<Request> group = waiting;
            lastGroupSize = Math.max(1, group.size());
            // the group is handed to the ack thread after its fsync, so the next one needs a list of its own
            waiting = new ArrayList<>(Math.max(16, lastGroupSize));
            flushing = group;
            return group;
        } finally {
            lock.unlock();
        }
    }

    /** Flush thread: one fsync for the group, then the group goes to the ack thread. */
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
            log.error("{}: fsync failed; {} SYNC puts fail", loop.name(), group.size(), t);
        }
        Acks acks = new Acks(group, files.flushedWhere(), failure);
        acking.add(acks);
        lock.lock();
        try {
            flushing = List.of();
        } finally {
            lock.unlock();
        }
        try {
            ackExecutor.execute(() -> complete(acks));
        } catch (RuntimeException rejected) {
            complete(acks); // only after close() gave up waiting for this thread; nobody else will complete them
        }
        if (afterFlush != null) {
            afterFlush.run();
        }
    }

    /** Ack thread: completes the futures of one flushed group. */
    private void complete(Acks acks) {
        long flushed = acks.flushedOffset();
        Throwable failure = acks.failure();
        int completedRecords = 0;
        try {
            for (Request request : acks.requests()) {
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
        } finally {
            acking.remove(acks);
            lock.lock();
            try {
                if (flusherAwaitsAcks) {
                    requestsArrived.signal();
                }
            } finally {
                lock.unlock();
            }
        }
        if (completedRecords > 0) {
            metrics.groupCommits.increment();
            metrics.syncFlushedRecords.add(completedRecords);
        }
    }

    /** Watchdog: fails overdue requests, collected under the lock and completed outside it. */
    private void failExpired() {
        long nowNs = System.nanoTime();
        List<Request> expired = new ArrayList<>();
        lock.lock();
        try {
            collectExpired(waiting, nowNs, expired);
            collectExpired(flushing, nowNs, expired);
        } finally {
            lock.unlock();
        }
        for (Acks acks : acking) {
            collectExpired(acks.requests(), nowNs, expired);
        }
        for (Request request : expired) {
            if (request.future().completeExceptionally(new SyncFlushTimeoutException("message at offset "
                    + request.result().physicalOffset() + " was not confirmed durable within syncFlushTimeoutMs="
                    + syncFlushTimeoutMs + "; the disk is slow or stuck. Retry the send (it may be stored twice)",
                    request.result()))) {
                metrics.syncFlushTimeouts.increment();
            }
        }
    }

    private static void collectExpired(List<Request> requests, long nowNs, List<Request> expired) {
        for (int i = 0, n = requests.size(); i < n; i++) {
            Request request = requests.get(i);
            if (nowNs - request.deadlineNs() >= 0 && !request.future().isDone()) {
                expired.add(request);
            }
        }
    }

    /**
     * Stops accepting requests, lets the flush thread make the final fsync of what is pending, and waits at most
     * {@code syncFlushTimeoutMs} (plus a second) for it. On a stuck disk it gives up: the pending puts fail with
     * {@link SyncFlushTimeoutException}, the flushed offset stays below the end, and the store does not mark a
     * clean shutdown.
     */
    @Override
    public void close() {
        long budgetMs = syncFlushTimeoutMs + 1_000;
        boolean flusherEnded = loop.shutdown(budgetMs);
        if (!flusherEnded) {
            log.error("{}: the final fsync did not finish within {} ms; the disk is stuck. Pending SYNC puts fail"
                    + " and the shutdown is not marked clean", loop.name(), budgetMs);
        }
        watchdog.shutdownNow();
        ackExecutor.shutdown();
        try {
            if (!ackExecutor.awaitTermination(budgetMs, TimeUnit.MILLISECONDS)) {
                log.warn("{}: acknowledging the last puts did not finish within {} ms (a dependent stage blocks)",
                        loop.name(), budgetMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!flusherEnded && loop.isAlive()) {
            List<Request> rest = new ArrayList<>();
            lock.lock();
            try {
                rest.addAll(waiting);
                rest.addAll(flushing);
            } finally {
                lock.unlock();
            }
            for (Acks acks : acking) {
                rest.addAll(acks.requests());
            }
            for (Request request : rest) {
                request.future().completeExceptionally(new SyncFlushTimeoutException("message at offset "
                        + request.result().physicalOffset() + " was not confirmed durable before shutdown: the"
                        + " final fsync did not finish within " + budgetMs + " ms. Retry the send (it may be"
                        + " stored twice)", request.result()));
            }
        }
    }

    /**
     * Stops as a crash would (the store's {@code closeAbruptly()}): no final fsync; every put not yet fsynced fails
     * with {@link StoreClosedException}. Puts whose fsync completed before the flush thread stopped are still
     * acknowledged, and all of that happens before this returns: no put of an aborted store completes later.
     */
    @Override
    public void abort() {
        aborting = true;
        long budgetMs = syncFlushTimeoutMs + 1_000;
        loop.shutdown(30_000);
        watchdog.shutdownNow();
        List<Request> rest;
        lock.lock();
        try {
            rest = new ArrayList<>(waiting);
            rest.addAll(flushing);
            // replaced, not cleared: after a commit flushing is the immutable empty list
            waiting = new ArrayList<>();
            flushing = List.of();
        } finally {
            lock.unlock();
        }
        for (Request request : rest) {
            request.future().completeExceptionally(new StoreClosedException("the store stopped abruptly before the"
                    + " message at " + request.result().physicalOffset() + " was flushed; it may or may not have"
                    + " been stored, send it again"));
        }
        // after failing the rest, so a dependent stage that waits for one of them cannot hold the ack thread
        ackExecutor.shutdown();
        try {
            if (!ackExecutor.awaitTermination(budgetMs, TimeUnit.MILLISECONDS)) {
                log.warn("{}: acknowledging the last fsynced puts did not finish within {} ms (a dependent stage"
                        + " blocks)", loop.name(), budgetMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
