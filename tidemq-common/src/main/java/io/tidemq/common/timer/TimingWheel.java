package io.tidemq.common.timer;

import java.util.concurrent.DelayQueue;
import java.util.function.LongSupplier;

/**
 * One level of the hierarchical wheel: {@code wheelSize} buckets of {@code tickMs} each. Deadlines beyond
 * its span go to an overflow level with {@code wheelSize} times coarser buckets, created on first need.
 *
 * <p>Entries are placed by their wheel key, {@code deadlineMs + finestTickMs - 1}: a bucket expires at the
 * start of its span, so keying by the deadline itself would fire up to a tick early. With the shifted key
 * the finest bucket of an entry expires in [deadline, deadline + tick - 1].
 *
 * <p>A level accepts keys in [currentTimeMs + tickMs, currentTimeMs + intervalMs), so it never uses the
 * bucket of its current tick, which may still hold entries being expired at this very time.
 *
 * <p>Threading: {@link #add} runs under the timer's read lock (many adders), {@link #advanceClock} under its
 * write lock (the driver), so {@link #currentTimeMs} is stable while adders read it.
 */
final class TimingWheel {

    private final long tickMs;
    private final int wheelSize;
    private final long intervalMs;
    private final TimerBucket[] buckets;
    private final DelayQueue<TimerBucket> queue;
    private final LongSupplier clockMs;
    /** A multiple of tickMs: every bucket ending at or before it has expired. Guarded by the timer's lock. */
    private long currentTimeMs;
    /** Created by whichever adder needs it first (double-checked under this level's monitor). */
    private volatile TimingWheel overflow;

    TimingWheel(long tickMs, int wheelSize, long startMs, DelayQueue<TimerBucket> queue, LongSupplier clockMs) {
        this.tickMs = tickMs;
        this.wheelSize = wheelSize;
        this.intervalMs = Math.multiplyExact(tickMs, (long) wheelSize);
        this.queue = queue;
        this.clockMs = clockMs;
        this.currentTimeMs = startMs - Math.floorMod(startMs, tickMs);
        this.buckets = new TimerBucket[wheelSize];
        for (int i = 0; i < wheelSize; i++) {
            buckets[i] = new TimerBucket(clockMs);
        }
    }

    /**
     * Places the entry in this level or a coarser one. Returns false when it is already due (the caller
     * expires it) or was cancelled meanwhile.
     */
    boolean add(TimerEntry entry, long wheelKeyMs) {
        if (!entry.isPending()) {
            return false;
        }
        if (wheelKeyMs < currentTimeMs + tickMs) {
            return false;
        }
        if (wheelKeyMs < currentTimeMs + intervalMs) {
            long virtualId = Math.floorDiv(wheelKeyMs, tickMs);
            TimerBucket bucket = buckets[(int) Math.floorMod(virtualId, (long) wheelSize)];
            if (!bucket.add(entry)) {
                return false;
            }
            if (bucket.setExpiration(virtualId * tickMs)) {
                // A bucket is reused once per rotation; each new expiration re-enters the DelayQueue.
                queue.offer(bucket);
            }
            return true;
        }
        return overflowWheel().add(entry, wheelKeyMs);
    }

    /** Driver thread, under the write lock; {@code timeMs} is the expiration of a bucket now due. */
    void advanceClock(long timeMs) {
        if (timeMs >= currentTimeMs + tickMs) {
            currentTimeMs = timeMs - Math.floorMod(timeMs, tickMs);
            TimingWheel next = overflow;
            if (next != null) {
                next.advanceClock(currentTimeMs);
            }
        }
    }

    private TimingWheel overflowWheel() {
        TimingWheel next = overflow;
        if (next == null) {
            synchronized (this) {
                next = overflow;
                if (next == null) {
                    next = new TimingWheel(intervalMs, wheelSize, currentTimeMs, queue, clockMs);
                    overflow = next;
                }
            }
        }
        return next;
    }

    /** Cancels every entry of this level and the coarser ones; close() only, under the write lock. */
    void cancelAll() {
        for (TimerBucket bucket : buckets) {
            bucket.cancelAll();
        }
        TimingWheel next = overflow;
        if (next != null) {
            next.cancelAll();
        }
    }

    /** Levels from this one up, for tests and diagnostics. */
    int levelCount() {
        TimingWheel next = overflow;
        return next == null ? 1 : 1 + next.levelCount();
    }
}
