package io.tidemq.broker.stats;

import io.tidemq.common.protocol.body.DeliveryLatency;
import org.HdrHistogram.PackedHistogram;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Each consumer group's delivery latency (a message's store time to its delivery by a pull), as percentiles per
 * interval: one HdrHistogram per group records every delivered message, and {@link #roll} (every
 * {@code statsIntervalMs}) reads each histogram's p50, p99 and max and resets it, keeping the group's last
 * {@link #KEPT_INTERVALS} intervals (GET_DELIVERY_LATENCY). Every group rolls at the same instant, so a reader that
 * remembers the end of the last interval it read ({@link #after}) misses no interval as long as it reads at least
 * once per {@code KEPT_INTERVALS} intervals. Percentiles are precise to 0.1 % (3 significant digits) up to
 * {@link #HIGHEST_MS} (longer latencies count as that); the histograms are packed, so a group's memory grows with the
 * spread of its latencies (a few KiB), not with its traffic or the range.
 *
 * <p>Bounded: at most {@link #MAX_GROUPS} groups are measured; deliveries to further groups are only counted
 * ({@link #untrackedMessages}). A group without a delivery for {@link #IDLE_INTERVALS} intervals is forgotten, which
 * frees its place.
 *
 * <p>Threads: {@link #delivered} runs on pull threads and {@link #roll} on the broker's scheduler thread; a group's
 * histogram is guarded by its {@link GroupRecorder} (held for one pull's values, or one read and reset; HdrHistogram's
 * concurrent packed recorder was far slower, its resizing racing with interval swaps). The map is concurrent;
 * {@code roll} is synchronized, so the idle counts it alone updates are guarded by {@code this}; {@link #snapshot}
 * and {@link #after} read the volatile list {@code roll} published.
 */
public final class GroupLatencyStats {

    public static final int MAX_GROUPS = 1_000;
    /** An hour at the default 10 s interval. */
    public static final int IDLE_INTERVALS = 360;
    /** Intervals kept per group: a minute at the default 10 s, for readers that sample less often than that. */
    public static final int KEPT_INTERVALS = 6;
    private static final int SIGNIFICANT_DIGITS = 3;
    /** Thirty days: a longer latency (a very old backlog) is recorded as this. */
    public static final long HIGHEST_MS = 30L * 24 * 3_600_000;

    /**
     * A group's histogram, guarded by this object; {@code idleIntervals} and {@code startMs} are written by
     * {@link #roll} only.
     */
    private static final class GroupRecorder {
        final PackedHistogram histogram = new PackedHistogram(1, HIGHEST_MS, SIGNIFICANT_DIGITS);
        /** Set (under this object's lock) by the roll that forgets the group; a pull then records in a new one. */
        boolean removed;
        int idleIntervals;
        long startMs;

        GroupRecorder(long startMs) {
            this.startMs = startMs;
        }
    }

    /** group → its recorder; added by pull threads (bounded by {@link #MAX_GROUPS}), removed by {@link #roll}. */
    private final Map<String, GroupRecorder> groups = new ConcurrentHashMap<>();
    private final LongAdder untracked = new LongAdder();
    private final java.util.function.LongSupplier clockMs;
    /**
     * The last {@link #KEPT_INTERVALS} rolls, oldest first, each every group's interval by name; replaced as a whole
     * by {@link #roll}.
     */
    private volatile List<List<DeliveryLatency.GroupInterval>> kept = List.of();

    public GroupLatencyStats(java.util.function.LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Records {@code messages} deliveries to {@code group} at {@code nowMs}, from their store timestamps. */
    public void delivered(String group, long[] storeTimestampsMs, int messages, long nowMs) {
        while (true) {
            GroupRecorder g = groups.get(group);
            if (g == null) {
                if (groups.size() >= MAX_GROUPS) {
                    untracked.add(messages);
                    return;
                }
                // a few groups past the bound can slip in when pull threads race here; the bound is not exceeded by
                // more than the pull thread count
                g = groups.computeIfAbsent(group, x -> new GroupRecorder(clockMs.getAsLong()));
            }
            synchronized (g) {
                if (!g.removed) {
                    for (int i = 0; i < messages; i++) {
                        g.histogram.recordValue(Math.min(HIGHEST_MS, Math.max(0, nowMs - storeTimestampsMs[i])));
                    }
                    return;
                }
            }
            // a roll forgot the group between our lookup and our lock: record in a new recorder, never in the old one
            groups.remove(group, g);
        }
    }

    /**
     * Ends the current interval at {@code nowMs}: every group's recorder gives the histogram of the deliveries since
     * the previous roll, whose percentiles become the group's last interval. Idle groups are forgotten.
     */
    public synchronized void roll(long nowMs) {
        List<DeliveryLatency.GroupInterval> out = new ArrayList<>(groups.size());
        Iterator<Map.Entry<String, GroupRecorder>> it = groups.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, GroupRecorder> e = it.next();
            GroupRecorder g = e.getValue();
            long count;
            long p50 = 0;
            long p99 = 0;
            long max = 0;
            synchronized (g) {
                count = g.histogram.getTotalCount();
                if (count > 0) {
                    p50 = g.histogram.getValueAtPercentile(50);
                    p99 = g.histogram.getValueAtPercentile(99);
                    max = g.histogram.getMaxValue();
                    g.histogram.reset();
                }
                g.idleIntervals = count == 0 ? g.idleIntervals + 1 : 0;
                // decided under the lock, so a pull that looked the group up before this never records into it after
                g.removed = g.idleIntervals >= IDLE_INTERVALS;
            }
            if (g.removed) {
                groups.remove(e.getKey(), g); // not it.remove(): that would also drop a recorder a pull just made
                continue;
            }
            out.add(count == 0
                    ? new DeliveryLatency.GroupInterval(e.getKey(), g.startMs, nowMs, 0, null, null, null)
                    : new DeliveryLatency.GroupInterval(e.getKey(), g.startMs, nowMs, count, p50, p99, max));
            g.startMs = nowMs;
        }
        out.sort(java.util.Comparator.comparing(DeliveryLatency.GroupInterval::group));
        List<List<DeliveryLatency.GroupInterval>> next = new ArrayList<>(kept);
        next.add(List.copyOf(out));
        while (next.size() > KEPT_INTERVALS) {
            next.remove(0);
        }
        kept = List.copyOf(next);
    }

    /** The last interval of every measured group (none before the first {@link #roll}). */
    public List<DeliveryLatency.GroupInterval> snapshot() {
        List<List<DeliveryLatency.GroupInterval>> k = kept;
        return k.isEmpty() ? List.of() : k.get(k.size() - 1);
    }

    /**
     * The kept intervals that ended after {@code afterMs}, oldest roll first, each roll's groups by name: with the
     * {@code endMs} of the last interval read, the intervals rolled since.
     */
    public List<DeliveryLatency.GroupInterval> after(long afterMs) {
        List<DeliveryLatency.GroupInterval> out = new ArrayList<>();
        for (List<DeliveryLatency.GroupInterval> roll : kept) {
            if (!roll.isEmpty() && roll.get(0).endMs() > afterMs) {
                out.addAll(roll);
            }
        }
        return out;
    }

    /** Deliveries not measured because {@link #MAX_GROUPS} groups were measured already. */
    public long untrackedMessages() {
        return untracked.sum();
    }

    /** Groups measured now. */
    public int groupCount() {
        return groups.size();
    }
}
