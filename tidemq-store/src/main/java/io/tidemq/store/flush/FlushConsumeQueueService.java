package io.tidemq.store.flush;

import io.tidemq.common.concurrent.ServiceThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tidemq-flush-consumequeue} thread: every {@code flushConsumeQueueIntervalMs} runs the store's
 * "flush the indexes, then write the checkpoint" step. The final run at shutdown is made by the store itself.
 */
public final class FlushConsumeQueueService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FlushConsumeQueueService.class);

    private final Runnable flushAndCheckpoint;
    private final long intervalMs;
    private final ServiceThread loop = new ServiceThread("tidemq-flush-consumequeue") {
        @Override
        protected void onLoop() {
            if (waitForRunning(intervalMs)) {
                flushAndCheckpoint.run();
            }
        }

        @Override
        protected boolean onFailure(Throwable failure) {
            log.error("{}: flushing ConsumeQueues / writing the checkpoint failed; will retry", name(), failure);
            return true;
        }
    };

    public FlushConsumeQueueService(Runnable flushAndCheckpoint, long intervalMs) {
        this.flushAndCheckpoint = flushAndCheckpoint;
        this.intervalMs = intervalMs;
    }

    public void start() {
        loop.start();
    }

    @Override
    public void close() {
        loop.shutdown(30_000);
    }
}
