package io.tidemq.store.dispatch;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.MessageArrivalListener;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.commitlog.DispatchRequest;
import io.tidemq.store.commitlog.RecordReader;
import io.tidemq.store.metrics.StoreMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Tails the CommitLog on the {@code tidemq-dispatch} thread and hands every record to each registered
 * {@link CommitLogDispatcher} (ConsumeQueues, the key index, broker hooks), then tells arrival listeners.
 *
 * <p>How far it may read is given by {@code dispatchLimit}: the flushed offset in SYNC mode (so no index ever
 * points past durable data) and the written offset in ASYNC mode, both capped by the replication commit point.
 * Two idle states:
 * <ul>
 *   <li><b>polling</b>: right after records, it parks for up to {@value #IDLE_PARK_MS} ms between rounds, so under
 *       load one wake-up dispatches a millisecond of records and appenders do not signal it (a signal per append
 *       cost every appender a futex wake and the dispatcher a round per record, 3285b2f); they signal only while
 *       a long-polling pull waits ({@link MessageArrivalListener#waitingForArrivals}). A replication slave polls
 *       every {@value #FOLLOWER_POLL_MS} ms instead ({@link #setPollIntervalMs}): nobody reads from it while its master
 *       is up but a held pull, which still signals, and each of its wake-ups costs tens of µs of CPU on a loaded
 *       host (a slave's dispatcher took 2.8 µs per SYNC message polling every millisecond);</li>
 *   <li><b>sleeping</b>: after {@code emptyRoundsBeforeSleep} empty rounds in a row it parks until signalled, with
 *       a bounded fallback ({@code sleepFallbackMs}), instead of waking a thousand times a second for nothing.
 *       Signals: an append ({@link #onAppended()}), a raised dispatch limit ({@link #onLimitRaised()}: a commit
 *       point moving on a SYNC master, a slave's ceiling after an append), the SYNC flush ({@link #wakeUp()}).
 *       Only the first signal of a sleep costs an unpark; the dispatcher is then polling again.</li>
 * </ul>
 */
public final class ReputMessageService {

    private static final Logger log = LoggerFactory.getLogger(ReputMessageService.class);
    private static final long IDLE_PARK_MS = 1;
    /** The polling park of a store that takes writes (a master, or no replication). */
    public static final long DEFAULT_POLL_MS = IDLE_PARK_MS;
    /** The polling park of a store that follows a replication master ({@link #setPollIntervalMs}). */
    public static final long FOLLOWER_POLL_MS = 10;
    /** The longest polling park {@link #setPollIntervalMs} takes. */
    static final long MAX_POLL_MS = 1_000;
    /** Empty rounds in a row (each up to {@value #IDLE_PARK_MS} ms apart) before the dispatcher sleeps. */
    static final int EMPTY_ROUNDS_BEFORE_SLEEP = 20;
    /** The longest a sleeping dispatcher waits without a signal (a safety net, signals are not lost). */
    static final long SLEEP_FALLBACK_MS = 200;

    private final CommitLog commitLog;
    private final LongSupplier dispatchLimit;
    private final StoreMetrics metrics;
    private final List<CommitLogDispatcher> dispatchers = new CopyOnWriteArrayList<>();
    private final List<MessageArrivalListener> listeners = new CopyOnWriteArrayList<>();
    /** Told when a record cannot be indexed for lack of disk (set before start; called on the dispatching thread). */
    private volatile Consumer<DiskFullException> diskFullListener = full -> { };
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
            if (dispatched) {
                emptyRounds = 0;
                return;
            }
            boolean sleep = ++emptyRounds >= emptyRoundsBeforeSleep;
            sleeping = sleep;
            idle = true;
            // re-check after announcing idleness: an append or a raised limit that missed the flags is seen here
            // (the fence keeps the limit's read, maybe an acquire load, after the flag writes)
            VarHandle.fullFence();
            if (dispatchLimit.getAsLong() <= reputFromOffset) {
                if (sleep) {
                    sleeps++;
                }
                waitForRunning(sleep ? sleepFallbackMs : pollParkMs);
            }
            idle = false;
            sleeping = false;
        }

        @Override
        protected boolean onFailure(Throwable failure) {
            if (failure instanceof DiskFullException full) {
                // every retry fails the same way while the disk is full: the message says it all, no stack trace
                log.error("{}: dispatching from offset {} failed: {}; retrying", name(), reputFromOffset,
                        full.getMessage());
                diskFullListener.accept(full);
            } else {
                log.error("{}: dispatching from offset {} failed; retrying", name(), reputFromOffset, failure);
            }
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
    /**
     * Whether the dispatching thread is about to park, or parked, until a signal ({@code idle} is then set too).
     * Written by the dispatching thread only; read by signallers, which wake it whenever it is set.
     */
    private volatile boolean sleeping;
    /**
     * How long the dispatcher parks between rounds while records arrive ({@value #IDLE_PARK_MS} ms, or
     * {@value #FOLLOWER_POLL_MS} on a replication slave). Written by whoever sets the replica's role, read by the
     * dispatching thread at each park.
     */
    private volatile long pollParkMs = IDLE_PARK_MS;
    /** Empty rounds in a row; the dispatching thread's. */
    private int emptyRounds;
    /** How many times the dispatcher went to sleep; written by the dispatching thread, read by tests. */
    private volatile long sleeps;
    /** Signals sent by appenders and limit raisers (any thread); tests. */
    private final AtomicLong signals = new AtomicLong();
    private final int emptyRoundsBeforeSleep;
    private final long sleepFallbackMs;
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
        this(commitLog, dispatchLimit, metrics, EMPTY_ROUNDS_BEFORE_SLEEP, SLEEP_FALLBACK_MS);
    }

    /** Tests: other sleep thresholds (a fallback of hours shows that a signal, not the fallback, woke it). */
    ReputMessageService(CommitLog commitLog, LongSupplier dispatchLimit, StoreMetrics metrics,
                        int emptyRoundsBeforeSleep, long sleepFallbackMs) {
        if (emptyRoundsBeforeSleep < 1 || sleepFallbackMs < IDLE_PARK_MS) {
            throw new IllegalArgumentException("emptyRoundsBeforeSleep must be >= 1 and sleepFallbackMs >= "
                    + IDLE_PARK_MS + ", got " + emptyRoundsBeforeSleep + " and " + sleepFallbackMs);
        }
        this.emptyRoundsBeforeSleep = emptyRoundsBeforeSleep;
        this.sleepFallbackMs = sleepFallbackMs;
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

    /**
     * {@code listener} hears of every dispatch round that failed because an index (a ConsumeQueue's next chunk)
     * found no room on the disk; the round is retried. The store refuses puts meanwhile, as for a full CommitLog.
     */
    public void onDiskFull(Consumer<DiskFullException> listener) {
        diskFullListener = listener;
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
     * How long the dispatcher parks between rounds while records arrive: {@code 1} ms (the default, a master) or
     * {@link #FOLLOWER_POLL_MS} (a slave copying its master's log, where nobody but a held pull waits for the
     * dispatch, and a held pull still signals it at once). Takes effect from the next park.
     *
     * @throws IllegalArgumentException outside 1 - {@value #MAX_POLL_MS} ms
     */
    public void setPollIntervalMs(long ms) {
        if (ms < IDLE_PARK_MS || ms > MAX_POLL_MS) {
            throw new IllegalArgumentException("the dispatcher's poll interval must be between " + IDLE_PARK_MS
                    + " and " + MAX_POLL_MS + " ms, got " + ms);
        }
        pollParkMs = ms;
    }

    /** The polling park now, in ms. */
    public long pollIntervalMs() {
        return pollParkMs;
    }

    /**
     * Appender (ASYNC mode), after a record is written: wakes the dispatching thread when it sleeps, or when it
     * polls and a listener waits for arrivals ({@link MessageArrivalListener#waitingForArrivals}), so a held
     * long-polling pull learns of the message within microseconds instead of at the end of the idle park. Costs a
     * fence and a volatile read while the dispatcher is busy or polling with no pull held.
     */
    public void onAppended() {
        // the written position is published with a release store, which a later load may pass: the fence orders
        // it before the flag reads, so a dispatcher announcing sleep either sees the record or is signalled
        VarHandle.fullFence();
        signalIfWaiting();
    }

    /**
     * The dispatch limit rose without an append here (the commit point moved on a SYNC master; a slave's ceiling
     * after it appended the master's bytes): the same rule as {@link #onAppended()}. Call after the write of the
     * new limit (a volatile write).
     */
    public void onLimitRaised() {
        signalIfWaiting();
    }

    /**
     * Wakes the dispatcher only when it is not busy, and then when it sleeps (the first signal of a sleep) or a
     * held pull waits for the record. {@code sleeping} is written before {@code idle} and read after it.
     */
    private void signalIfWaiting() {
        if (idle && (sleeping || arrivalsAwaited())) {
            signals.incrementAndGet();
            loop.wakeup();
        }
    }

    /** Whether the dispatcher sleeps until a signal now; tests. */
    boolean isSleeping() {
        return sleeping;
    }

    /** How many signals woke (or were sent to wake) the dispatcher; tests. */
    long signals() {
        return signals.get();
    }

    /** How many times the dispatcher went to sleep; tests. */
    long sleeps() {
        return sleeps;
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
