package io.tidemq.store.dispatch;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.api.MessageArrivalListener;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.commitlog.DispatchRequest;
import io.tidemq.store.commitlog.RecordReader;
import io.tidemq.store.metrics.StoreMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Tails the CommitLog on the {@code tidemq-dispatch} thread and hands every record to each registered
 * {@link CommitLogDispatcher} (ConsumeQueues, the key index, broker hooks), then tells arrival listeners.
 *
 * <p>How far it may read is given by {@code dispatchLimit}: the flushed offset in SYNC mode (so no index ever
 * points past durable data) and the written offset in ASYNC mode. When idle it parks for up to a millisecond and
 * is woken early by {@link #wakeUp()} (the SYNC flush thread, after each fsync) and, in ASYNC mode, by the append
 * path through {@link #onAppended()}, which signals only when the dispatcher is idle: a busy dispatcher costs an
 * appender no system call.
 */
public final class ReputMessageService {

    private static final Logger log = LoggerFactory.getLogger(ReputMessageService.class);
    private static final long IDLE_PARK_MS = 1;

    private final CommitLog commitLog;
    private final LongSupplier dispatchLimit;
    private final StoreMetrics metrics;
    private final List<CommitLogDispatcher> dispatchers = new CopyOnWriteArrayList<>();
    private final List<MessageArrivalListener> listeners = new CopyOnWriteArrayList<>();
    private final ServiceThread loop = new ServiceThread("tidemq-dispatch") {
        @Override
        protected void onLoop() {
            boolean dispatched;
            roundLock.lock();
            try {
                dispatched = dispatchAvailable();
            } finally {
                roundLock.unlock();
            }
            if (!dispatched) {
                idle = true;
                // re-check after announcing idleness: an append that missed the flag is seen here
                if (dispatchLimit.getAsLong() <= reputFromOffset) {
                    waitForRunning(IDLE_PARK_MS);
                }
                idle = false;
            }
        }

        @Override
        protected boolean onFailure(Throwable failure) {
            log.error("{}: dispatching from offset {} failed; retrying", name(), reputFromOffset, failure);
            waitForRunning(100 * IDLE_PARK_MS);
            return true;
        }

        @Override
        protected void onStopped() {
            log.info("{} stopped at offset {}", name(), reputFromOffset);
        }
    };
    /**
     * Whether the dispatching thread is about to park, or parked, for lack of records. Written by the dispatching
     * thread only; read by appenders ({@link #onAppended}), which wake it only then.
     */
    private volatile boolean idle;
    /** Next CommitLog offset to dispatch. Written by the dispatching thread only; read by everyone. */
    private volatile long reputFromOffset;
    /**
     * Held by the dispatching thread for each round, and by a replica truncating its log
     * ({@link #runExclusive}), so a round never reads bytes being cut.
     */
    private final ReentrantLock roundLock = new ReentrantLock();

    // last queue notified, coalescing consecutive records of one queue; owned by the dispatching thread
    private String pendingTopic;
    private int pendingQueueId;
    private long pendingMaxOffset;

    public ReputMessageService(CommitLog commitLog, LongSupplier dispatchLimit, StoreMetrics metrics) {
        this.commitLog = commitLog;
        this.dispatchLimit = dispatchLimit;
        this.metrics = metrics;
    }

    public void addDispatcher(CommitLogDispatcher dispatcher) {
        dispatchers.add(dispatcher);
    }

    public void addArrivalListener(MessageArrivalListener listener) {
        listeners.add(listener);
    }

    public long reputFromOffset() {
        return reputFromOffset;
    }

    /** Recovery only, before {@link #start()}. */
    public void setReputFromOffset(long offset) {
        this.reputFromOffset = offset;
    }

    public void start() {
        log.info("{} started at offset {}", loop.name(), reputFromOffset);
        loop.start();
    }

    public void wakeUp() {
        loop.wakeup();
    }

    /**
     * Appender (ASYNC mode), after a record is written: wakes the dispatching thread if it is idle and a listener
     * waits for arrivals ({@link MessageArrivalListener#waitingForArrivals}), so a held
     * long-polling pull learns of the message within microseconds instead of at the end of the idle park. Costs one
     * volatile read while the dispatcher is busy and one unpark when it is idle. A wake-up lost to the race
     * between the flag and the written position (the position is published with a release store) only falls back
     * to the park's {@value #IDLE_PARK_MS} ms timeout.
     */
    public void onAppended() {
        if (idle && arrivalsAwaited()) {
            loop.wakeup();
        }
    }

    /** Whether a listener waits for an arrival now ({@link MessageArrivalListener#waitingForArrivals}). */
    private boolean arrivalsAwaited() {
        for (int i = 0, n = listeners.size(); i < n; i++) {
            if (listeners.get(i).waitingForArrivals()) {
                return true;
            }
        }
        return false;
    }

    /** Dispatches up to the current limit. @return whether anything was dispatched */
    private boolean dispatchAvailable() {
        long limit = dispatchLimit.getAsLong();
        long from = reputFromOffset;
        if (from >= limit) {
            return false;
        }
        dispatchUpTo(limit);
        return reputFromOffset != from;
    }

    /**
     * Dispatches every record in {@code [reputFromOffset, limit)} on the calling thread. Used by recovery
     * (before the thread starts) and by shutdown (after it stopped).
     */
    public void dispatchUpTo(long limit) {
        long reached = commitLog.scan(reputFromOffset, limit, this::dispatchRecord);
        flushArrival();
        if (reached > reputFromOffset) {
            reputFromOffset = reached;
        }
    }

    private void dispatchRecord(ByteBuffer file, int position, int size) {
        DispatchRequest request = RecordReader.toDispatchRequest(file, position);
        for (CommitLogDispatcher dispatcher : dispatchers) {
            dispatcher.dispatch(request);
        }
        metrics.dispatchedRecords.increment();
        reputFromOffset = request.commitLogOffset() + size;
        if (listeners.isEmpty()) {
            return;
        }
        if (pendingTopic != null && (pendingQueueId != request.queueId() || !pendingTopic.equals(request.topic()))) {
            flushArrival();
        }
        pendingTopic = request.topic();
        pendingQueueId = request.queueId();
        pendingMaxOffset = request.queueOffset() + 1;
    }

    private void flushArrival() {
        if (pendingTopic == null) {
            return;
        }
        for (MessageArrivalListener listener : listeners) {
            try {
                listener.onArrival(pendingTopic, pendingQueueId, pendingMaxOffset);
            } catch (RuntimeException e) {
                log.warn("arrival listener {} failed for {}-{}", listener, pendingTopic, pendingQueueId, e);
            }
        }
        pendingTopic = null;
    }

    /**
     * Runs {@code action} while no dispatch round runs (a replica truncating its log and what is derived from
     * it). Inside it, {@link #rewindTo} and {@link #dispatchUpTo} may be called.
     */
    public void runExclusive(Runnable action) {
        roundLock.lock();
        try {
            action.run();
        } finally {
            roundLock.unlock();
        }
    }

    /** Inside {@link #runExclusive}: dispatch continues from {@code offset} when it is below the position. */
    public void rewindTo(long offset) {
        if (!roundLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("rewindTo must run inside runExclusive");
        }
        if (offset < reputFromOffset) {
            reputFromOffset = offset;
        }
    }

    /** Stops the thread; the caller then drains with {@link #dispatchUpTo(long)}. */
    public void close() {
        loop.shutdown(30_000);
    }
}
