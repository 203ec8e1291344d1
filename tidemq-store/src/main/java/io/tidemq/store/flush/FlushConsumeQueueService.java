package io.tidemq.store.flush;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;

/**
 * The {@code tidemq-flush-consumequeue} thread: every {@code flushConsumeQueueIntervalMs} runs the store's
 * "flush the indexes, then write the checkpoint" step. The final run at shutdown is made by the store itself.
 */
public final class FlushConsumeQueueService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FlushConsumeQueueService.class);

    private final Runnable flushAndCheckpoint;
    private final long intervalMs;
    private final Thread thread;
    /** Set once by close(). */
    private volatile boolean stopped;

    public FlushConsumeQueueService(Runnable flushAndCheckpoint, long intervalMs) {
        this.flushAndCheckpoint = flushAndCheckpoint;
        this.intervalMs = intervalMs;
        this.thread = new Thread(this::run, "tidemq-flush-consumequeue");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, intervalMs * 1_000_000L);
            if (stopped) {
                break;
            }
            try {
                flushAndCheckpoint.run();
            } catch (Throwable t) {
                log.error("{}: flushing ConsumeQueues / writing the checkpoint failed; will retry", thread.getName(), t);
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
