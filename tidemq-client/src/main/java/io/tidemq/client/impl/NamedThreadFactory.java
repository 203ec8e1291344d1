package io.tidemq.client.impl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads named {@code <prefix>-<n>} whose uncaught failures are logged, not lost. */
public final class NamedThreadFactory implements ThreadFactory {

    private static final Logger LOG = LoggerFactory.getLogger(NamedThreadFactory.class);

    private final String prefix;
    private final boolean daemon;
    private final AtomicInteger counter = new AtomicInteger();

    public NamedThreadFactory(String prefix, boolean daemon) {
        this.prefix = prefix;
        this.daemon = daemon;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
        t.setDaemon(daemon);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("thread {} died", th.getName(), e));
        return t;
    }

    /** Wraps a periodic task so one failure is logged and does not cancel later runs. */
    public static Runnable logging(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.warn("{} failed: {}", what, e.toString(), e);
            }
        };
    }
}
