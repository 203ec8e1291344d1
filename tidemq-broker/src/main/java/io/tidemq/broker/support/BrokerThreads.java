package io.tidemq.broker.support;

import io.tidemq.common.concurrent.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The broker's thread pools (daemon threads named {@code <prefix>-1, -2, ...}) and their orderly shutdown. */
public final class BrokerThreads {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerThreads.class);

    private BrokerThreads() {
    }

    /**
     * A fixed pool with a bounded queue: when the queue is full the executor rejects, and the transport answers
     * SYSTEM_BUSY instead of letting requests pile up without bound.
     */
    public static ExecutorService fixedPool(String prefix, int threads, int queueCapacity) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueCapacity), NamedThreadFactory.pool(prefix, true));
    }

    public static ScheduledExecutorService scheduler(String prefix) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.pool(prefix, true));
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
