package io.tidemq.common.timer;

import java.util.Objects;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hierarchical timing wheel: O(1) schedule and cancel, one driver thread, tasks run on a supplied Executor.
 *
 * <p>How time moves: non-empty buckets sit in a {@link DelayQueue}. The driver thread
 * ({@code tidemq-timer-<name>}) blocks on it, so an idle timer sleeps; when a bucket expires the wheel's
 * clock jumps to that bucket's expiration (not tick by tick, so it never drifts), and the bucket's entries
 * are re-added: due ones run, the rest cascade into finer levels. A task never runs before its deadline
 * according to the configured clock, and normally within {@code tickMs} after it (plus the executor's
 * queueing). If the clock steps backwards, tasks may run early relative to the stepped-back reading.
 *
 * <p>Locking: schedule and cascade take the read lock and only the monitor of the one bucket they touch;
 * the driver takes the write lock while it advances the clock, so levels never move under an adder. Cancel
 * takes only the monitor of the entry's bucket.
 *
 * <p>Memory: about 48 bytes per pending task (the {@link TimerEntry}; 48 B measured by
 * TimingWheelTimerMillionTasksTest) plus the caller's Runnable, and about 32 bytes per bucket for each level in use.
 */
public final class TimingWheelTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TimingWheelTimer.class);
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final TimerConfig config;
    private final Executor executor;
    private final LongSupplier clockMs;
    private final DelayQueue<TimerBucket> queue = new DelayQueue<>();
    private final TimingWheel wheel;
    private final LongAdder pendingCount = new LongAdder();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Null when the caller drives the clock itself (tests). */
    private final Thread driver;
    /** Set once under the write lock; read by schedulers under the read lock and by the driver loop. */
    private volatile boolean closed;

    /** Starts the driver thread {@code tidemq-timer-<name>}; expired tasks run on {@code executor}. */
    public TimingWheelTimer(TimerConfig config, Executor executor) {
        this(config, executor, true);
    }

    TimingWheelTimer(TimerConfig config, Executor executor, boolean startDriver) {
        this.config = Objects.requireNonNull(config, "config");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clockMs = config.clockMs();
        this.wheel = new TimingWheel(config.tickMs(), config.wheelSize(), clockMs.getAsLong(), queue, clockMs);
        if (startDriver) {
            driver = new Thread(this::driveClock, "tidemq-timer-" + config.name());
            driver.setDaemon(true);
            driver.start();
        } else {
            driver = null;
        }
    }

    /** Runs {@code task} on the executor once {@code delayMs} (in [0, maxDelayMs]) have passed. */
    public TimerHandle schedule(Runnable task, long delayMs) {
        if (delayMs < 0 || delayMs > config.maxDelayMs()) {
            throw new IllegalArgumentException("delayMs must be in [0, " + config.maxDelayMs()
                    + "] (TimerConfig.maxDelayMs), was " + delayMs);
        }
        return add(task, clockMs.getAsLong() + delayMs);
    }

    /**
     * Runs {@code task} on the executor once the clock reaches {@code deadlineMs}; a deadline already passed
     * runs it at once. The deadline may be at most maxDelayMs ahead.
     */
    public TimerHandle scheduleAt(Runnable task, long deadlineMs) {
        long delayMs = deadlineMs - clockMs.getAsLong();
        if (delayMs > config.maxDelayMs()) {
            throw new IllegalArgumentException("deadlineMs " + deadlineMs + " is " + delayMs
                    + " ms ahead; TimerConfig.maxDelayMs allows at most " + config.maxDelayMs());
        }
        return add(task, deadlineMs);
    }

    private TimerHandle add(Runnable task, long deadlineMs) {
        Objects.requireNonNull(task, "task");
        TimerEntry entry = new TimerEntry(task, deadlineMs, pendingCount);
        boolean dueNow;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new TimerClosedException(config.name());
            }
            pendingCount.increment();
            dueNow = deadlineMs <= clockMs.getAsLong() || !wheel.add(entry, wheelKeyMs(entry));
        } finally {
            lock.readLock().unlock();
        }
        if (dueNow) {
            // Outside the lock: with a direct executor the task runs right here and may call close().
            expire(entry);
        }
        return entry;
    }

    private long wheelKeyMs(TimerEntry entry) {
        return entry.deadlineMs() + config.tickMs() - 1;
    }

    /** Driver thread, under the write lock: re-adds an entry of an expired bucket one level finer, or runs it. */
    private void cascade(TimerEntry entry) {
        if (!wheel.add(entry, wheelKeyMs(entry))) {
            expire(entry);
        }
    }

    private void expire(TimerEntry entry) {
        if (!entry.markExpired()) {
            return; // cancelled
        }
        try {
            executor.execute(entry);
        } catch (RejectedExecutionException e) {
            log.error("Timer '{}' could not hand a task due at {} to its executor; the task is lost."
                    + " Shut the executor down only after closing the timer", config.name(), entry.deadlineMs(), e);
        }
    }

    /** Tasks scheduled and neither run nor cancelled yet. */
    public long size() {
        return pendingCount.sum();
    }

    /** The timer's clock, the time base of {@link #scheduleAt} deadlines. */
    public long nowMs() {
        return clockMs.getAsLong();
    }

    private void driveClock() {
        log.debug("Timer '{}' started: tickMs={}, wheelSize={}", config.name(), config.tickMs(), config.wheelSize());
        while (!closed) {
            try {
                expireBuckets(queue.take());
            } catch (InterruptedException e) {
                if (!closed) {
                    log.warn("Timer '{}' driver was interrupted while running; continuing", config.name());
                }
            } catch (RuntimeException | Error e) {
                log.error("Timer '{}' driver failed while expiring tasks; continuing", config.name(), e);
            }
        }
        log.debug("Timer '{}' driver stopped", config.name());
    }

    /**
     * Expires every bucket that is due now, without blocking; returns whether there was one. Lets tests with a
     * manual clock drive a timer created without a driver thread.
     */
    boolean advanceClock() {
        TimerBucket bucket = queue.poll();
        if (bucket == null) {
            return false;
        }
        expireBuckets(bucket);
        return true;
    }

    private void expireBuckets(TimerBucket first) {
        lock.writeLock().lock();
        try {
            // Drain everything already due in one write-locked pass: batching amortises the lock and the wake-up.
            for (TimerBucket bucket = first; bucket != null && !closed; bucket = queue.poll()) {
                wheel.advanceClock(bucket.expirationMs());
                bucket.flush(this::cascade);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Levels currently allocated, for tests. */
    int levelCount() {
        lock.readLock().lock();
        try {
            return wheel.levelCount();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Stops the driver thread and cancels every pending task (their handles report cancelled). Tasks already
     * handed to the executor are not affected. Idempotent.
     */
    @Override
    public void close() {
        long discarded;
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            discarded = size();
            wheel.cancelAll();
            queue.clear();
        } finally {
            lock.writeLock().unlock();
        }
        if (driver != null && driver != Thread.currentThread()) {
            driver.interrupt();
            try {
                driver.join(CLOSE_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (driver.isAlive()) {
                log.warn("Timer '{}' driver did not stop within {} ms", config.name(), CLOSE_TIMEOUT_MS);
            }
        }
        log.debug("Timer '{}' closed, {} pending tasks cancelled", config.name(), discarded);
    }
}
