package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.common.protocol.body.DeliveryLatency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Samples each consumer group's delivery latency (store → delivery) as the brokers measure it
 * (GET_DELIVERY_LATENCY: p50, p99 and max per group over each broker's last interval) every time the console
 * samples, for the latency chart of a group's page ({@code GET /api/groups/{group}/latency-history}). One point per
 * broker interval: the console asks each broker for the intervals that ended after the last one it read (the broker
 * keeps 6 per group), so none is repeated and none is missed while the console samples at least once per 6 broker
 * intervals.
 *
 * <p>Bounded: at most {@link LagSampler#MAX_GROUPS} groups (the first seen), each with at most {@link #MAX_BROKERS}
 * brokers of {@link LagSampler#RING} points; a group no broker reported for {@link LagSampler#RING} samples is
 * forgotten (brokers stop reporting a group after an hour without a delivery).
 *
 * <p>Threads: {@link #sampleOnce} runs on the console's one sampler thread, which alone uses {@code cursors} and
 * {@code samples}; HTTP threads read the rings. The rings are guarded by {@code this}.
 */
public final class LatencySampler {

    private static final Logger log = LoggerFactory.getLogger(LatencySampler.class);
    public static final int MAX_BROKERS = 64;

    /**
     * One broker interval of a group: its end (broker clock) and length, the messages delivered, and the percentiles
     * in milliseconds ({@code null} when nothing was delivered: unknown, never 0).
     */
    public record LatencySample(long timeMs, long intervalMs, long count, Long p50Ms, Long p99Ms, Long maxMs) {
    }

    /** A broker's points for one group, oldest first. */
    public record BrokerLatency(String broker, String address, List<LatencySample> samples) {
    }

    /**
     * The answer of {@code GET /api/groups/{group}/latency-history}. {@code sampled} is false for a group the console
     * does not sample (no broker measured a delivery to it yet, or past the groups bound).
     */
    public record LatencyHistory(String group, long intervalMs, int capacity, boolean sampled,
                                 List<BrokerLatency> brokers) {
    }

    /** A ring of points; guarded by the sampler's lock. */
    private static final class Ring {
        final LatencySample[] samples = new LatencySample[LagSampler.RING];
        final String broker;
        int head;
        int size;
        long lastEndMs = Long.MIN_VALUE;

        Ring(String broker) {
            this.broker = broker;
        }

        void add(LatencySample s) {
            samples[head] = s;
            head = (head + 1) % samples.length;
            size = Math.min(samples.length, size + 1);
        }

        List<LatencySample> list() {
            List<LatencySample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(samples[(head - size + i + samples.length) % samples.length]);
            }
            return out;
        }
    }

    private final long intervalMs;
    private final Function<ToLongFunction<String>, Map<String, DeliveryLatency>> source;
    /** group → broker address → its ring; guarded by {@code this}. */
    private final Map<String, Map<String, Ring>> groups = new TreeMap<>();
    /** group → the sample that last saw it; guarded by {@code this}. */
    private final Map<String, Long> lastSeen = new HashMap<>();
    /** broker address → the end of the last interval read (its clock); the sampler thread's. */
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    /** Samples taken; the sampler thread's, read under {@code this}. */
    private long samples;
    /** The brokers' interval as last reported (they share statsIntervalMs in a sane cluster); guarded by {@code this}. */
    private long brokerIntervalMs;

    /**
     * @param intervalMs how often the console samples
     * @param source     GET_DELIVERY_LATENCY of every master, by address, given each address's cursor
     */
    public LatencySampler(long intervalMs, Function<ToLongFunction<String>, Map<String, DeliveryLatency>> source) {
        this.intervalMs = intervalMs;
        this.source = source;
    }

    /** Reads every broker's last intervals once (the sampler thread). */
    public void sampleOnce() {
        Map<String, DeliveryLatency> answers = source.apply(addr -> cursors.getOrDefault(addr, 0L));
        synchronized (this) {
            samples++;
            for (Map.Entry<String, DeliveryLatency> e : answers.entrySet()) {
                DeliveryLatency d = e.getValue();
                brokerIntervalMs = d.intervalMs();
                if (d.groups() == null) {
                    continue;
                }
                for (DeliveryLatency.GroupInterval g : d.groups()) {
                    cursors.merge(e.getKey(), g.endMs(), Math::max);
                    Map<String, Ring> byBroker = groups.get(g.group());
                    if (byBroker == null) {
                        if (groups.size() >= LagSampler.MAX_GROUPS) {
                            continue;
                        }
                        byBroker = new TreeMap<>();
                        groups.put(g.group(), byBroker);
                    }
                    lastSeen.put(g.group(), samples);
                    Ring r = byBroker.get(e.getKey());
                    if (r == null) {
                        if (byBroker.size() >= MAX_BROKERS) {
                            continue;
                        }
                        r = new Ring(d.brokerName());
                        byBroker.put(e.getKey(), r);
                    }
                    if (g.endMs() > r.lastEndMs) {
                        r.lastEndMs = g.endMs();
                        r.add(new LatencySample(g.endMs(), Math.max(0, g.endMs() - g.startMs()), g.count(), g.p50Ms(),
                                g.p99Ms(), g.maxMs()));
                    }
                }
            }
            int before = groups.size();
            lastSeen.values().removeIf(seen -> samples - seen > LagSampler.RING);
            groups.keySet().retainAll(lastSeen.keySet());
            if (groups.size() < before) {
                log.debug("forgot the delivery latency of {} group(s) no broker measures any more", before - groups.size());
            }
        }
    }

    public synchronized LatencyHistory history(String group) {
        Map<String, Ring> byBroker = groups.get(group);
        List<BrokerLatency> out = new ArrayList<>();
        if (byBroker != null) {
            byBroker.forEach((addr, r) -> out.add(new BrokerLatency(r.broker, addr, r.list())));
        }
        return new LatencyHistory(group, brokerIntervalMs > 0 ? brokerIntervalMs : intervalMs, LagSampler.RING,
                byBroker != null, out);
    }

    /** {@code GET /api/groups/{group}/latency-history}. */
    public void get(Context ctx) {
        ctx.json(history(ctx.pathParam("group")));
    }
}
