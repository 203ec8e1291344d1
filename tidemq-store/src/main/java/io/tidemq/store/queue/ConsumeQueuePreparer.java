package io.tidemq.store.queue;

import io.tidemq.common.concurrent.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * Creates the ConsumeQueues of a new topic (directories, first file, its first reserved page) when the topic is
 * created, ahead of its first records, as Kafka creates a partition's log at topic creation. Without it the dispatch
 * thread creates each queue at its first record: with 10 000 fresh queues (issue 10's many-queues benchmark) that
 * was a third of its samples, in the middle of the sends. A queue the dispatch thread reaches first is created by it
 * as before ({@link ConsumeQueueStore#prepare} and the dispatch exclude each other), so preparation is only ever
 * ahead of time, never required.
 *
 * <p>A topic removed after the preparation was asked for (any topic: removals are rare) cancels the rest of it, so
 * a deleted topic's queues are never recreated by a late preparation.
 *
 * <p>Threads: {@link #prepare} queues the work from any thread; one thread, {@code tidemq-prepare-consumequeue},
 * creates the queues in order; {@link #close} lets it finish the queue in hand (never interrupted mid-creation, which
 * would close a file channel under it) and skips the rest.
 */
public final class ConsumeQueuePreparer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumeQueuePreparer.class);

    private final ConsumeQueueStore queues;
    /** Whether a queue has no record yet (its next queue offset is 0): only such a queue is created ahead. */
    private final BiPredicate<String, Integer> empty;
    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(NamedThreadFactory.single("tidemq-prepare-consumequeue", true));
    /** Set by {@link #close}; read by the preparing thread between queues. */
    private volatile boolean closed;

    /**
     * @param empty whether a queue has no record yet; a queue whose offsets do not start at 0 (a re-created topic whose
     *              counters were kept) is left to the dispatch thread
     */
    public ConsumeQueuePreparer(ConsumeQueueStore queues, BiPredicate<String, Integer> empty) {
        this.queues = queues;
        this.empty = empty;
    }

    /** Creates queues 0 to {@code queueCount - 1} of {@code topic} in the background; existing ones are left alone. */
    public void prepare(String topic, int queueCount) {
        if (closed) {
            return;
        }
        long removals = queues.removals();
        try {
            thread.execute(() -> prepareNow(topic, queueCount, removals));
        } catch (RejectedExecutionException closing) {
            // the store is closing: the dispatch thread creates the queues at their first records after a restart
        }
    }

    /**
     * Completes when every preparation asked for before this call is done (the thread works in order), or at once
     * when the preparer is closed. Never completes exceptionally.
     */
    public CompletableFuture<Void> drained() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> done.complete(null));
        } catch (RejectedExecutionException closing) {
            done.complete(null);
        }
        return done;
    }

    private void prepareNow(String topic, int queueCount, long removals) {
        for (int queueId = 0; queueId < queueCount && !closed; queueId++) {
            try {
                if (empty.test(topic, queueId) && !queues.prepare(topic, queueId, removals)
                        && queues.removals() != removals) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("ConsumeQueue {}-{} not created ahead of its records ({}); the dispatch thread creates it",
                        topic, queueId, e.toString());
            }
        }
    }

    /** Stops after the queue being created; waits up to 30 s for it. */
    @Override
    public void close() {
        closed = true;
        // shutdown, not shutdownNow: queued tasks still run (a preparation sees closed and stops at once), so every
        // drained() future completes
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("tidemq-prepare-consumequeue did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
