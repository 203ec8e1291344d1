package io.tidemq.it.delay;

import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.it.support.Bodies;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a push consumer received, per sequence number: when it first arrived (this JVM's wall clock, taken as
 * the listener is called), the broker's store time of that copy, its unique id, and how many times it came.
 * Listener threads write, the test thread reads; everything is atomic.
 */
final class Arrivals {

    private final AtomicLongArray arrivalMs;
    private final AtomicLongArray storeMs;
    private final AtomicReferenceArray<String> uniqueIds;
    private final AtomicIntegerArray deliveries;
    private final AtomicInteger distinct = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    /** Problems seen on listener threads. */
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();

    Arrivals(int count) {
        arrivalMs = new AtomicLongArray(count);
        storeMs = new AtomicLongArray(count);
        uniqueIds = new AtomicReferenceArray<>(count);
        deliveries = new AtomicIntegerArray(count);
    }

    MessageListenerConcurrently listener() {
        return (msgs, ctx) -> {
            long now = System.currentTimeMillis();
            for (MessageExt m : msgs) {
                record(m, now);
            }
            return ConsumeStatus.SUCCESS;
        };
    }

    private void record(MessageExt m, long now) {
        int seq;
        try {
            seq = Bodies.seqOf(m.body());
        } catch (IllegalArgumentException e) {
            violations.add(m.msgId() + ": " + e.getMessage());
            return;
        }
        if (seq < 0 || seq >= deliveries.length()) {
            violations.add("seq " + seq + " was never sent");
            return;
        }
        if (m.property(MessageConst.DELIVER_AT_MS) != null || m.property(MessageConst.REAL_TOPIC) != null) {
            violations.add("seq " + seq + " still carries scheduling properties: " + m.properties());
        }
        total.incrementAndGet();
        if (deliveries.getAndIncrement(seq) == 0) {
            arrivalMs.set(seq, now);
            storeMs.set(seq, m.storeTimestampMs());
            uniqueIds.set(seq, m.uniqueId());
            distinct.incrementAndGet();
        }
    }

    int distinct() {
        return distinct.get();
    }

    /** Deliveries beyond the first of each message. */
    int duplicates() {
        return total.get() - distinct.get();
    }

    boolean arrived(int seq) {
        return deliveries.get(seq) > 0;
    }

    long arrivalMs(int seq) {
        return arrivalMs.get(seq);
    }

    long storeMs(int seq) {
        return storeMs.get(seq);
    }

    String uniqueId(int seq) {
        return uniqueIds.get(seq);
    }

    List<String> violations() {
        return new ArrayList<>(violations);
    }
}
