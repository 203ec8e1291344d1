package io.tidemq.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The broker's named thread pools and their orderly shutdown. */
public final class BrokerThreads {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerThreads.class);

    private BrokerThreads() {
    }

    /** Threads named {@code <prefix>-1, -2, ...}; daemon so a forgotten close never keeps a JVM alive. */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("uncaught failure on {}", th.getName(), e));
            return t;
        };
    }

    /**
     * A fixed pool with a bounded queue: when the queue is full the executor rejects, and the transport answers
     * SYSTEM_BUSY instead of letting requests pile up without bound.
     */
    public static ExecutorService fixedPool(String prefix, int threads, int queueCapacity) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueCapacity), named(prefix));
    }

    public static ScheduledExecutorService scheduler(String prefix) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, named(prefix));
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** Stops accepting work and waits up to {@code waitMs} for running work, then interrupts it. */
    public static void shutdown(ExecutorService executor, String name, long waitMs) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not finish within {} ms; interrupting it", name, waitMs);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
