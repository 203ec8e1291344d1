package io.tidemq.common.timer;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled task: the handle given to the caller, the node of a bucket's doubly linked list, and the
 * Runnable handed to the executor (so expiry allocates nothing). About 48 bytes with compressed oops.
 *
 * <p>The state moves once, PENDING to CANCELLED or PENDING to EXPIRED, by CAS, so exactly one of cancel and
 * expiry wins and a cancelled task never runs.
 */
final class TimerEntry implements TimerHandle, Runnable {

    private static final Logger log = LoggerFactory.getLogger(TimerEntry.class);

    private static final int PENDING = 0;
    private static final int CANCELLED = 1;
    private static final int EXPIRED = 2;
    private static final AtomicIntegerFieldUpdater<TimerEntry> STATE =
            AtomicIntegerFieldUpdater.newUpdater(TimerEntry.class, "state");

    private final long deadlineMs;
    /** The owning timer's pending-task counter, decremented by whichever of cancel and expiry wins. */
    private final LongAdder pendingCount;
    /** Cleared by the winner of the state CAS (only it touches the field), so a cancelled task is collectable. */
    private Runnable task;
    private volatile int state;

    /** The bucket holding this entry, or null. Written only while holding that bucket's monitor. */
    volatile TimerBucket bucket;
    /** Guarded by the monitor of {@link #bucket}. */
    TimerEntry previous;
    /** Guarded by the monitor of {@link #bucket}. */
    TimerEntry next;

    TimerEntry(Runnable task, long deadlineMs, LongAdder pendingCount) {
        this.task = task;
        this.deadlineMs = deadlineMs;
        this.pendingCount = pendingCount;
    }

    @Override
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        task = null;
        pendingCount.decrement();
        // Loops because the driver may be moving the entry to a finer level right now. TimerBucket.add
        // publishes the bucket before re-checking the state, so either we see it here or it sees CANCELLED.
        TimerBucket current;
        while ((current = bucket) != null) {
            current.remove(this);
        }
        return true;
    }

    /** Claims the entry for execution; false if it was cancelled. */
    boolean markExpired() {
        if (STATE.compareAndSet(this, PENDING, EXPIRED)) {
            pendingCount.decrement();
            return true;
        }
        return false;
    }

    boolean isPending() {
        return state == PENDING;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isExpired() {
        return state == EXPIRED;
    }

    @Override
    public long deadlineMs() {
        return deadlineMs;
    }

    /** Runs on the timer's executor after {@link #markExpired()} succeeded. */
    @Override
    public void run() {
        Runnable toRun = task;
        task = null;
        try {
            toRun.run();
        } catch (Throwable e) {
            log.warn("Timer task {} due at {} failed", toRun, deadlineMs, e);
        }
    }
}
