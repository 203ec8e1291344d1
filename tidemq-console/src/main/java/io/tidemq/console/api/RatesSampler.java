package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.common.protocol.body.BrokerFigures;
import io.tidemq.common.protocol.body.ClusterStats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Samples each broker's message rates (TPS in: stored, TPS out: delivered, as the broker measures them and reports
 * them with its registration) every time the console samples, for the rates chart of the overview
 * ({@code GET /api/brokers/rates-history}). Bounded: at most {@link #MAX_BROKERS} brokers, {@link LagSampler#RING}
 * samples each; brokers no longer registered are forgotten.
 *
 * <p>Threads: {@link #sampleOnce} runs on the console's sampler thread, HTTP threads read; the map is guarded by
 * {@code this}.
 */
public final class RatesSampler {

    public static final int MAX_BROKERS = 256;

    /** One point: messages per second stored and delivered by the broker. */
    public record RateSample(long timeMs, double inPerSecond, double outPerSecond) {
    }

    /** A broker's samples, oldest first. */
    public record BrokerRates(String broker, List<RateSample> samples) {
    }

    /** The answer of {@code GET /api/brokers/rates-history}. */
    public record RatesHistory(long intervalMs, int capacity, List<BrokerRates> brokers) {
    }

    private final long intervalMs;
    private final Supplier<ClusterStats> stats;
    /** "brokerName/brokerId" → its ring; guarded by {@code this}. */
    private final Map<String, Ring> rings = new TreeMap<>();

    /** A ring of samples; guarded by the sampler's lock. */
    private static final class Ring {
        final RateSample[] samples = new RateSample[LagSampler.RING];
        int head;
        int size;
        long lastSampledAtMs = Long.MIN_VALUE;

        void add(RateSample s) {
            samples[head] = s;
            head = (head + 1) % samples.length;
            size = Math.min(samples.length, size + 1);
        }

        List<RateSample> list() {
            List<RateSample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(samples[(head - size + i + samples.length) % samples.length]);
            }
            return out;
        }
    }

    public RatesSampler(long intervalMs, Supplier<ClusterStats> stats) {
        this.intervalMs = intervalMs;
        this.stats = stats;
    }

    /** Reads every broker's figures once (the sampler thread); a figure the broker did not renew is not repeated. */
    public void sampleOnce() {
        ClusterStats s = stats.get();
        synchronized (this) {
            Set<String> seen = new HashSet<>();
            for (ClusterStats.Entry e : s.brokers()) {
                String key = e.brokerName() + "/" + e.brokerId();
                seen.add(key);
                BrokerFigures f = e.figures();
                if (f == null || (!rings.containsKey(key) && rings.size() >= MAX_BROKERS)) {
                    continue;
                }
                Ring r = rings.computeIfAbsent(key, k -> new Ring());
                if (f.sampledAtMs() != r.lastSampledAtMs) {
                    r.lastSampledAtMs = f.sampledAtMs();
                    r.add(new RateSample(f.sampledAtMs(), Math.max(0, f.putMessagesPerSecond()),
                            Math.max(0, f.getMessagesPerSecond())));
                }
            }
            rings.keySet().retainAll(seen);
        }
    }

    public synchronized RatesHistory history() {
        List<BrokerRates> out = new ArrayList<>();
        rings.forEach((k, r) -> out.add(new BrokerRates(k, r.list())));
        return new RatesHistory(intervalMs, LagSampler.RING, out);
    }

    /** {@code GET /api/brokers/rates-history}. */
    public void get(Context ctx) {
        ctx.json(history());
    }
}
