package io.tidemq.it.support;

import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * Asynchronous sends with a bounded number in flight, as an application would do it: unbounded async sends
 * only measure how long requests wait in queues, and time out on a busy box.
 */
public final class AsyncSends {

    private AsyncSends() {
    }

    /**
     * Sends {@code count} messages made by {@code message} (given the index), at most {@code maxInFlight}
     * unanswered at a time; returns once all are answered, with the failures.
     */
    public static Queue<Throwable> send(Producer producer, int count, int maxInFlight, IntFunction<Message> message)
            throws InterruptedException {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(maxInFlight);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            producer.sendAsync(message.apply(i)).whenComplete((r, e) -> done(failures, inFlight, e));
        }
        inFlight.acquire(maxInFlight);
        return failures;
    }

    /** Like {@link #send} with batches: {@code batch} gives the messages of batch number i. */
    public static Queue<Throwable> sendBatches(Producer producer, int batches, int maxInFlight,
                                               IntFunction<List<Message>> batch) throws InterruptedException {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(maxInFlight);
        for (int i = 0; i < batches; i++) {
            inFlight.acquire();
            producer.sendAsync(batch.apply(i)).whenComplete((r, e) -> done(failures, inFlight, e));
        }
        inFlight.acquire(maxInFlight);
        return failures;
    }

    private static void done(Queue<Throwable> failures, Semaphore inFlight, Throwable e) {
        if (e != null) {
            failures.add(e);
        }
        inFlight.release();
    }
}
