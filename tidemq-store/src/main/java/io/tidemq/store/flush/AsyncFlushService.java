package io.tidemq.store.flush;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.file.MappedFileQueue;
import io.tidemq.store.metrics.StoreMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * ASYNC flush: the {@code tidemq-flush-commitlog} thread wakes every {@code flushIntervalMs} and flushes when
 * at least {@code flushLeastPages} pages are dirty. Fewer dirty pages defer the flush by one wake at most:
 * bytes already written at a wake that did not flush them are flushed at the next wake, whatever their
 * amount (and everything at least every {@code flushThoroughIntervalMs}). So a byte is durable at most
 * {@code 2 x flushIntervalMs} plus one msync after it was written; that is the OS-crash loss window.
 * Puts are acknowledged as soon as they are in the page cache.
 */
public final class AsyncFlushService implements CommitLogFlusher {

    private static final Logger log = LoggerFactory.getLogger(AsyncFlushService.class);

    private final MappedFileQueue files;
    private final StoreMetrics metrics;
    private final long flushIntervalMs;
    private final int flushLeastPages;
    private final long flushThoroughIntervalMs;
    private final Loop loop = new Loop();

    public AsyncFlushService(MappedFileQueue files, StoreMetrics metrics, long flushIntervalMs, int flushLeastPages,
                             long flushThoroughIntervalMs) {
        this.files = files;
        this.metrics = metrics;
        this.flushIntervalMs = flushIntervalMs;
        this.flushLeastPages = flushLeastPages;
        this.flushThoroughIntervalMs = flushThoroughIntervalMs;
    }

    @Override
    public void start() {
        log.info("{} started (ASYNC, every {} ms, least {} pages)", loop.name(), flushIntervalMs, flushLeastPages);
        loop.start();
    }

    @Override
    public CompletableFuture<PutResult> onAppended(PutResult result) {
        return CompletableFuture.completedFuture(result);
    }

    /** The flush loop; its fields are owned by the flush thread. */
    private final class Loop extends ServiceThread {
        /** When everything was last flushed; -1 until the first iteration. */
        private long lastThoroughMs = -1;
        /** Bytes written before the previous wake and left unflushed by it; they are flushed at this wake. */
        private boolean deferred;

        Loop() {
            super("tidemq-flush-commitlog");
        }

        @Override
        protected void onLoop() {
            if (lastThoroughMs < 0) {
                lastThoroughMs = System.currentTimeMillis();
            }
            if (!waitForRunning(flushIntervalMs)) {
                return;
            }
            long nowMs = System.currentTimeMillis();
            int leastPages = deferred ? 0 : flushLeastPages;
            if (nowMs - lastThoroughMs >= flushThoroughIntervalMs) {
                leastPages = 0;
                lastThoroughMs = nowMs;
            }
            long writtenBefore = files.maxOffset();
            if (files.flush(leastPages)) {
                metrics.commitLogFsyncs.increment();
            }
            deferred = files.flushedWhere() < writtenBefore;
        }

        @Override
        protected boolean onFailure(Throwable failure) {
            if (failure instanceof FsyncFailedException) {
                log.error("{}: stopped: the CommitLog is fail-stopped after a failed fsync", name());
                return false;
            }
            log.error("{}: flushing the CommitLog failed; will retry", name(), failure);
            return true;
        }

        @Override
        protected void onStopped() {
            log.info("{} stopped", name());
        }
    }

    @Override
    public void close() {
        abort();
        try {
            if (files.flush(0)) {
                metrics.commitLogFsyncs.increment();
            }
        } catch (RuntimeException e) {
            // recorded by the file queue (fail-stop); the store's close sees it and does not mark a clean shutdown
            log.error("{}: the final flush failed: {}", loop.name(), e.getMessage());
        }
    }

    @Override
    public void abort() {
        loop.shutdown(30_000);
    }
}
