package io.tidemq.common.concurrent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory of TideMQ: every thread it makes has a name a thread dump can be read by, the daemon
 * flag its owner chose, and an uncaught-exception handler that logs the failure instead of losing it.
 * <ul>
 *   <li>{@link #pool(String, boolean)}: threads named {@code <prefix>-1}, {@code <prefix>-2}, … for pools;</li>
 *   <li>{@link #single(String, boolean)}: every thread named exactly {@code name}, for single-thread executors
 *       whose name is listed in docs/architecture.md (a replacement after a crash keeps the name).</li>
 * </ul>
 * Netty's event loops keep Netty's {@code DefaultThreadFactory}: it makes {@code FastThreadLocalThread}s,
 * which Netty's pooled allocator and recyclers are faster on.
 * Thread-safe: the counter is the only state.
 */
public final class NamedThreadFactory implements ThreadFactory {

    private static final Logger LOG = LoggerFactory.getLogger(NamedThreadFactory.class);

    private final String name;
    private final boolean numbered;
    private final boolean daemon;
    /** Numbers the threads of a pool; touched by whichever thread asks the executor for a new worker. */
    private final AtomicInteger created = new AtomicInteger();

    private NamedThreadFactory(String name, boolean numbered, boolean daemon) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a thread name is required, e.g. tidemq-flush-commitlog");
        }
        this.name = name;
        this.numbered = numbered;
        this.daemon = daemon;
    }

    /** Threads named {@code <prefix>-<n>}, n counting from 1. */
    public static NamedThreadFactory pool(String prefix, boolean daemon) {
        return new NamedThreadFactory(prefix, true, daemon);
    }

    /** Threads named exactly {@code name}: for an executor that runs one thread at a time. */
    public static NamedThreadFactory single(String name, boolean daemon) {
        return new NamedThreadFactory(name, false, daemon);
    }

    @Override
    public Thread newThread(Runnable task) {
        int n = created.incrementAndGet();
        Thread t = new Thread(task, numbered ? name + "-" + n : name);
        t.setDaemon(daemon);
        t.setUncaughtExceptionHandler((thread, e) -> LOG.error("thread {} died of an uncaught failure",
                thread.getName(), e));
        return t;
    }

    /**
     * Wraps a task for a scheduled executor so that a failure is logged and does not cancel its later runs
     * (a periodic task that throws is never run again, silently).
     */
    public static Runnable logging(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.warn("{} failed: {}", what, e.toString(), e);
            }
        };
    }

    @Override
    public String toString() {
        return "NamedThreadFactory[" + name + (numbered ? "-<n>" : "") + (daemon ? ", daemon" : "") + "]";
    }
}
