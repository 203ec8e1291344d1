package io.tidemq.broker.stats;

import io.tidemq.common.protocol.body.TopicRates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Each topic's messages in (stored) and out (delivered by pulls, every group together) per second, one sample per
 * interval: send and pull threads add to a topic's counters, and {@link #roll} (every {@code statsIntervalMs})
 * turns the counts since the previous roll into rates and keeps the last {@link #CAPACITY} of them per topic
 * (GET_TOPIC_RATES). A topic is sampled from its first message on; a deleted topic is forgotten at the next roll.
 *
 * <p>Bounded: at most {@link #MAX_TOPICS} topics (a broker hosts fewer); each keeps {@link #CAPACITY} samples in
 * three primitive arrays (about 2 KiB).
 *
 * <p>Threads: the counters are LongAdders written by send and pull threads; the map is concurrent. The rings and
 * the last totals are written by {@link #roll} only (the scheduler thread) and read by {@link #rates} (admin
 * threads): both are synchronized, so they are guarded by {@code this}.
 */
public final class TopicRateStats {

    public static final int MAX_TOPICS = 10_000;
    /** Fifteen minutes at the default 10 s interval. */
    public static final int CAPACITY = 90;

    /** A topic's counters and ring. The LongAdders are thread-safe; the rest is guarded by the stats' lock. */
    private static final class TopicRecord {
        final LongAdder in = new LongAdder();
        final LongAdder out = new LongAdder();
        long lastIn;
        long lastOut;
        long startMs;
        final long[] endMs = new long[CAPACITY];
        final long[] startsMs = new long[CAPACITY];
        final float[] inRates = new float[CAPACITY];
        final float[] outRates = new float[CAPACITY];
        int head;
        int size;

        TopicRecord(long startMs) {
            this.startMs = startMs;
        }
    }

    /** topic → its record; added by send and pull threads (bounded), removed by {@link #roll}. */
    private final Map<String, TopicRecord> topics = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier clockMs;

    public TopicRateStats(java.util.function.LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    private TopicRecord record(String topic) {
        TopicRecord r = topics.get(topic);
        if (r == null && topics.size() < MAX_TOPICS) {
            r = topics.computeIfAbsent(topic, t -> new TopicRecord(clockMs.getAsLong()));
        }
        return r;
    }

    /** {@code messages} of {@code topic} were stored. */
    public void stored(String topic, int messages) {
        TopicRecord r = record(topic);
        if (r != null) {
            r.in.add(messages);
        }
    }

    /** {@code messages} of {@code topic} were delivered by a pull. */
    public void delivered(String topic, int messages) {
        TopicRecord r = record(topic);
        if (r != null) {
            r.out.add(messages);
        }
    }

    /** Ends the interval at {@code nowMs}: one sample per topic; topics that no longer exist are forgotten. */
    public synchronized void roll(long nowMs, Predicate<String> exists) {
        topics.entrySet().removeIf(e -> !exists.test(e.getKey()));
        for (TopicRecord r : topics.values()) {
            long in = r.in.sum();
            long out = r.out.sum();
            double seconds = Math.max(1, nowMs - r.startMs) / 1_000.0;
            r.endMs[r.head] = nowMs;
            r.startsMs[r.head] = r.startMs;
            r.inRates[r.head] = (float) (Math.max(0, in - r.lastIn) / seconds);
            r.outRates[r.head] = (float) (Math.max(0, out - r.lastOut) / seconds);
            r.head = (r.head + 1) % CAPACITY;
            r.size = Math.min(CAPACITY, r.size + 1);
            r.lastIn = in;
            r.lastOut = out;
            r.startMs = nowMs;
        }
    }

    /** The samples of {@code topic}, oldest first; empty when it had no traffic (or none was sampled yet). */
    public synchronized List<TopicRates.Sample> rates(String topic) {
        TopicRecord r = topics.get(topic);
        if (r == null) {
            return List.of();
        }
        List<TopicRates.Sample> out = new ArrayList<>(r.size);
        for (int i = 0; i < r.size; i++) {
            int at = (r.head - r.size + i + CAPACITY) % CAPACITY;
            out.add(new TopicRates.Sample(r.startsMs[at], r.endMs[at], round(r.inRates[at]), round(r.outRates[at])));
        }
        return out;
    }

    /** Two decimals are plenty for a rate and keep the JSON short. */
    private static double round(float v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /** Topics sampled now. */
    public int topicCount() {
        return topics.size();
    }
}
