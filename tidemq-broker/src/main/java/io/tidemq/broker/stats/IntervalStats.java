package io.tidemq.broker.stats;

import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The broker's per-interval figures for the console's charts: each group's delivery latency percentiles
 * ({@link GroupLatencyStats}) and each topic's rates in and out ({@link TopicRateStats}), fed by the send and pull
 * processors as a {@link TrafficListener} and rolled together every {@code statsIntervalMs} by the broker's
 * scheduler thread. Thread-safety is that of the two parts.
 */
public final class IntervalStats implements TrafficListener {

    private final long intervalMs;
    private final GroupLatencyStats latency;
    private final TopicRateStats rates;
    private final LongSupplier clockMs;
    private final Predicate<String> topicExists;

    public IntervalStats(long intervalMs, LongSupplier clockMs, Predicate<String> topicExists) {
        this.intervalMs = intervalMs;
        this.clockMs = clockMs;
        this.topicExists = topicExists;
        this.latency = new GroupLatencyStats(clockMs);
        this.rates = new TopicRateStats(clockMs);
    }

    public long intervalMs() {
        return intervalMs;
    }

    public GroupLatencyStats latency() {
        return latency;
    }

    public TopicRateStats rates() {
        return rates;
    }

    /** Ends the current interval now (the scheduler thread). */
    public void roll() {
        long now = clockMs.getAsLong();
        latency.roll(now);
        rates.roll(now, topicExists);
    }

    @Override
    public void stored(String topic, int messages, long bytes, long storeNanos) {
        rates.stored(topic, messages);
    }

    @Override
    public void storeFailed(String topic, int messages) {
    }

    @Override
    public void delivered(String topic, String group, long[] storeTimestampsMs, int messages, long bytes, long nowMs) {
        rates.delivered(topic, messages);
        if (group != null) {
            latency.delivered(group, storeTimestampsMs, messages, nowMs);
        }
    }
}
