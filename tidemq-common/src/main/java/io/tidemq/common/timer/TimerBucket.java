package io.tidemq.common.timer;

import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The tasks of one wheel slot, a doubly linked list so that add and cancel are O(1). The bucket itself
 * sits in the timer's DelayQueue, keyed by {@link #expirationMs}, while it holds tasks.
 *
 * <p>The list is guarded by this bucket's monitor; adders, cancellers and the driver each hold it only for
 * a few pointer writes.
 */
final class TimerBucket implements Delayed {

    private final LongSupplier clockMs;
    /** Start of the time span this bucket currently covers; -1 while it is not queued. */
    private final AtomicLong expirationMs = new AtomicLong(-1);
    /** Guarded by this. */
    private TimerEntry first;
    /** Guarded by this. */
    private TimerEntry last;

    TimerBucket(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Links the entry unless it was cancelled meanwhile; returns whether it was linked. */
    synchronized boolean add(TimerEntry entry) {
        // Publish before checking the state: TimerEntry.cancel writes the state, then reads the bucket.
        entry.bucket = this;
        if (!entry.isPending()) {
            entry.bucket = null;
            return false;
        }
        entry.previous = last;
        entry.next = null;
        if (last == null) {
            first = entry;
        } else {
            last.next = entry;
        }
        last = entry;
        return true;
    }

    synchronized void remove(TimerEntry entry) {
        if (entry.bucket != this) {
            return; // moved or flushed in the meantime; the caller re-reads entry.bucket
        }
        if (entry.previous == null) {
            first = entry.next;
        } else {
            entry.previous.next = entry.next;
        }
        if (entry.next == null) {
            last = entry.previous;
        } else {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
        entry.bucket = null;
    }

    /**
     * Detaches every entry and hands each to {@code sink}, outside the monitor so the sink may add the entry
     * to another bucket. Driver thread only.
     */
    void flush(Consumer<TimerEntry> sink) {
        TimerEntry detached;
        synchronized (this) {
            detached = first;
            for (TimerEntry e = first; e != null; e = e.next) {
                e.bucket = null;
            }
            first = null;
            last = null;
            expirationMs.set(-1);
        }
        while (detached != null) {
            TimerEntry following = detached.next;
            detached.previous = null;
            detached.next = null;
            sink.accept(detached);
            detached = following;
        }
    }

    /** Returns true if the expiration changed, i.e. the bucket must be (re-)offered to the DelayQueue. */
    boolean setExpiration(long newExpirationMs) {
        return expirationMs.getAndSet(newExpirationMs) != newExpirationMs;
    }

    long expirationMs() {
        return expirationMs.get();
    }

    /** Drops every entry, for close(). */
    void cancelAll() {
        flush(TimerEntry::cancel);
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(Math.max(expirationMs.get() - clockMs.getAsLong(), 0), TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        return Long.compare(expirationMs.get(), ((TimerBucket) other).expirationMs.get());
    }
}
