package io.tidemq.it.delay;

import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.it.support.Bodies;

import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Sends {@link Bodies} 0..n-1 asynchronously (bounded in flight), each with {@code DELIVER_AT_MS} = the wall
 * clock when it is built + a delay drawn from a seeded generator, and records per sequence number its due time,
 * when its send was acknowledged and its unique id. Every process of a test shares the machine's clock, so the
 * due time is the same instant for the producer, the broker and the consumer.
 */
final class DelayedSends {

    private final long seed;
    private final long[] delayMs;
    /** Written by the sending thread before the send, read by the test thread after all are answered. */
    private final AtomicLongArray dueMs;
    /** Written by send callbacks (network threads); 0 while unanswered or failed. */
    private final AtomicLongArray ackMs;
    /** Written by send callbacks. */
    private final AtomicReferenceArray<String> uniqueIds;
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /** Delays uniform in {@code [minDelayMs, maxDelayMs]}, drawn from {@code seed}. */
    DelayedSends(long seed, int count, long minDelayMs, long maxDelayMs) {
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        this.delayMs = new long[count];
        for (int i = 0; i < count; i++) {
            delayMs[i] = random.nextLong(minDelayMs, maxDelayMs + 1);
        }
        this.dueMs = new AtomicLongArray(count);
        this.ackMs = new AtomicLongArray(count);
        this.uniqueIds = new AtomicReferenceArray<>(count);
    }

    /** Sends them all to {@code topic}, at most {@code maxInFlight} unanswered; returns once all are answered. */
    void sendAll(Producer producer, String topic, int maxInFlight) throws InterruptedException {
        Semaphore inFlight = new Semaphore(maxInFlight);
        for (int seq = 0; seq < delayMs.length; seq++) {
            inFlight.acquire();
            long due = System.currentTimeMillis() + delayMs[seq];
            dueMs.set(seq, due);
            int s = seq;
            producer.sendAsync(Message.builder(topic).body(Bodies.of(seq)).deliverAtMs(due).build())
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failures.add(s + ": " + e);
                        } else {
                            uniqueIds.set(s, r.uniqueId());
                            ackMs.set(s, System.currentTimeMillis());
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(maxInFlight);
    }

    int count() {
        return delayMs.length;
    }

    long seed() {
        return seed;
    }

    long dueMs(int seq) {
        return dueMs.get(seq);
    }

    long ackMs(int seq) {
        return ackMs.get(seq);
    }

    String uniqueId(int seq) {
        return uniqueIds.get(seq);
    }

    Queue<String> failures() {
        return failures;
    }
}
