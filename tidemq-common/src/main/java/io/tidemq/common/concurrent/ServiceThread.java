package io.tidemq.common.concurrent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One named background thread running a loop: the shape every TideMQ service loop shares (RocketMQ's
 * {@code ServiceThread}, the Disruptor's {@code BatchEventProcessor}); pools and executors take their threads
 * from {@link NamedThreadFactory} instead. A subclass writes one iteration in
 * {@link #onLoop()}, usually starting with {@link #waitForRunning(long)}; this class owns the thread, the stop
 * flag, the wake-up, failure handling and the bounded join.
 *
 * <ul>
 *   <li>{@link #start()} starts the thread once; a second call is refused.</li>
 *   <li>{@link #wakeup()} ends the current (or the next) {@link #waitForRunning(long)} early; a wake-up given
 *       while the loop is busy is not lost.</li>
 *   <li>A {@link Throwable} thrown by {@link #onLoop()} goes to {@link #onFailure(Throwable)}, which logs it
 *       and keeps looping unless it answers false; a failure never ends the thread silently.</li>
 *   <li>{@link #shutdown(long)} sets the stop flag, wakes the loop ({@link #onStopRequested()}) and joins the
 *       thread for at most the given time; {@link #onStopped()} runs on the thread after the last iteration.</li>
 * </ul>
 *
 * <p>Threads: {@link #onLoop()}, {@link #onFailure(Throwable)} and {@link #onStopped()} run on the service
 * thread only. {@link #wakeup()}, {@link #isStopped()} and {@link #shutdown(long)} may be called from any thread.
 */
public abstract class ServiceThread {

    private static final Logger log = LoggerFactory.getLogger(ServiceThread.class);

    private final Thread thread;
    /** Whether start() was called; set once, by the first caller. */
    private final AtomicBoolean started = new AtomicBoolean();
    /** A wake-up not yet consumed by waitForRunning; set by any thread, cleared by the service thread. */
    private final AtomicBoolean notified = new AtomicBoolean();
    /** Set once by shutdown() or by the loop itself when onFailure answers false; read by every thread. */
    private volatile boolean stopped;

    /**
     * @param name   the thread's name, e.g. {@code tidemq-flush-commitlog}
     * @param daemon whether the thread may be left running when the JVM exits
     */
    protected ServiceThread(String name, boolean daemon) {
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(daemon);
        this.thread.setUncaughtExceptionHandler((t, e) -> log.error("thread {} died of an uncaught failure",
                t.getName(), e));
    }

    /** A daemon service thread: a forgotten shutdown never keeps a JVM alive. */
    protected ServiceThread(String name) {
        this(name, true);
    }

    /**
     * A service thread that runs {@code task} every {@code intervalMs} (fixed delay: the interval counts from the
     * end of the previous run; the first run is one interval after start). A failed run goes to
     * {@code onFailure}, which logs it; the next run happens on schedule.
     */
    public static ServiceThread every(String name, long intervalMs, Runnable task, Consumer<Throwable> onFailure) {
        return new ServiceThread(name) {
            @Override
            protected void onLoop() {
                if (waitForRunning(intervalMs)) {
                    task.run();
                }
            }

            @Override
            protected boolean onFailure(Throwable failure) {
                onFailure.accept(failure);
                return true;
            }
        };
    }

    public final String name() {
        return thread.getName();
    }

    /**
     * Starts the thread.
     *
     * @throws IllegalStateException when it was already started
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(name() + " is already started; a service thread starts once");
        }
        thread.start();
    }

    /** Ends the current or the next {@link #waitForRunning(long)} early. Any thread. */
    public void wakeup() {
        if (notified.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    /** Whether a stop was requested; a loop that waits by other means than waitForRunning checks it. */
    public final boolean isStopped() {
        return stopped;
    }

    /** Whether the thread is running (started and not yet ended). */
    public final boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Service thread: waits up to {@code intervalMs}, less when {@link #wakeup()} is called or a stop is
     * requested. Spurious returns of the underlying park do not shorten the wait.
     *
     * @return true to go on; false when the service is stopping (the iteration should return at once)
     */
    protected final boolean waitForRunning(long intervalMs) {
        if (notified.compareAndSet(true, false)) {
            return !stopped;
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
        while (!stopped) {
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                break;
            }
            LockSupport.parkNanos(this, leftNs);
            if (notified.compareAndSet(true, false)) {
                break;
            }
        }
        return !stopped;
    }

    /** Service thread: one iteration of the loop. It runs again until a stop is requested. */
    protected abstract void onLoop() throws Exception;

    /**
     * Service thread: an iteration threw {@code failure}. The default logs it and keeps looping; a service that
     * backs off waits here ({@link #waitForRunning(long)}).
     *
     * @return true to keep looping, false to end the thread (no further iteration; {@link #onStopped()} runs)
     */
    protected boolean onFailure(Throwable failure) {
        log.error("{}: an iteration failed; retrying", name(), failure);
        return true;
    }

    /** Service thread: runs once after the last iteration, before the thread ends (a final drain, a log line). */
    protected void onStopped() {
    }

    /**
     * Any thread, after the stop flag is set: makes the loop notice it. The default is {@link #wakeup()}; a loop
     * that blocks elsewhere (a condition, a blocking queue) overrides this to wake it there.
     */
    protected void onStopRequested() {
        wakeup();
    }

    /** Interrupts the service thread (for a loop stuck in an interruptible call after a bounded wait). */
    public final void interrupt() {
        thread.interrupt();
    }

    /**
     * Requests a stop and waits at most {@code joinMs} for the thread to end ({@code 0}: does not wait).
     * Idempotent; returns at once when the thread was never started. Restores the caller's interrupt flag when
     * interrupted while waiting.
     *
     * @return true when the thread has ended (or never started), false when it is still running after the wait
     */
    public boolean shutdown(long joinMs) {
        stopped = true;
        onStopRequested();
        if (!started.get() || Thread.currentThread() == thread) {
            return !thread.isAlive();
        }
        try {
            if (joinMs > 0) {
                thread.join(joinMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private boolean keepLoopingAfter(Throwable failure) {
        try {
            return onFailure(failure);
        } catch (Throwable t) {
            log.error("{}: an iteration failed, and so did handling it; retrying", name(), failure);
            return true;
        }
    }

    private void run() {
        try {
            while (!stopped) {
                try {
                    onLoop();
                } catch (Throwable t) {
                    if (!keepLoopingAfter(t)) {
                        stopped = true;
                    }
                }
            }
        } finally {
            try {
                onStopped();
            } catch (Throwable t) {
                log.error("{}: stopping failed", name(), t);
            }
        }
    }
}
