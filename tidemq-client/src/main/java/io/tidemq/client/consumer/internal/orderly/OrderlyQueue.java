package io.tidemq.client.consumer.internal.orderly;

import io.tidemq.client.consumer.internal.ProcessQueue;
import io.tidemq.common.message.MessageQueue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ordered-consumption state of one queue this member locked: the broker lease it believes it holds, the
 * consume lock that keeps the queue on one thread, and the in-place retry count of the message at its head.
 * It lives from the lock taken before the queue is assigned until the lock is released after the queue was
 * revoked (which may be after the revoke, when a listener call was still running then).
 */
final class OrderlyQueue {

    final MessageQueue mq;
    /**
     * Held by the consume task for each listener call and the offset update after it, and by the release after a
     * revoke, which therefore waits for the message in flight.
     */
    final ReentrantLock consumeLock = new ReentrantLock();
    /** Whether a consume task of this queue is queued, running or waiting to run again: at most one is. */
    final AtomicBoolean scheduled = new AtomicBoolean();
    /** Whether a single-queue lock request is in flight (so a stalled queue sends one at a time). */
    final AtomicBoolean relocking = new AtomicBoolean();

    /** {@link System#nanoTime()} until which the broker lock is ours; {@code null} when not held. Any thread. */
    private volatile Long lockedUntilNanos;
    /** Set once for broadcasting queues, which need no broker lock. */
    private volatile boolean unlimited;
    /** The process queue of the current assignment; set by the pull handler, read by the consume task. */
    volatile ProcessQueue processQueue;
    /**
     * Set by a revoke before it waits for the consume lock: whoever holds that lock next (the revoke itself, or a
     * consume task that was in the listener) commits the offset and releases the broker lock. While it is set the
     * queue cannot be assigned again, so a second thread can never start on it.
     */
    volatile boolean releasePending;
    /** When the last single-queue relock was sent, to send at most one per second; any thread. */
    volatile long lastRelockNanos;

    // Guarded by consumeLock:
    /** Offset of the head message that failed, or -1. */
    long failingOffset = -1;
    /** How often the head message failed in place. */
    int failures;
    /**
     * The offset was committed and the broker lock released (or is being released): this state is finished.
     * Written under consumeLock; volatile because lock renewal skips released queues without taking it.
     */
    volatile boolean released;

    OrderlyQueue(MessageQueue mq) {
        this.mq = mq;
    }

    /** The broker granted (or renewed) the lock by a request sent at {@code sentNanos}, for {@code leaseMs}. */
    void granted(long sentNanos, long leaseMs) {
        lockedUntilNanos = sentNanos + leaseMs * 1_000_000L;
    }

    /** Broadcasting: every member reads every queue, so no broker lock is needed and the queue is always ours. */
    void lockNotNeeded() {
        lockedUntilNanos = Long.MAX_VALUE;
        unlimited = true;
    }

    /** The broker refused the lock, or this member let it go. */
    void lost() {
        lockedUntilNanos = null;
    }

    /** Whether the lease is still running at {@code nowNanos}. */
    boolean lockValid(long nowNanos) {
        if (unlimited) {
            return true;
        }
        Long until = lockedUntilNanos;
        return until != null && nowNanos - until < 0;
    }

    /** Whether a consume task has something to do now. */
    boolean hasWork(long nowNanos) {
        ProcessQueue pq = processQueue;
        return pq != null && !pq.isDropped() && pq.messageCount() > 0 && lockValid(nowNanos);
    }

    @Override
    public String toString() {
        return mq.toString();
    }
}
