package io.tidemq.console.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Samples each consumer group's lag and committed offsets every {@code intervalMs}: the lag chart over time
 * ({@link #history}) and the recent consume rate behind the time to drain ({@link #drain}) come from these
 * samples, all figures read from the brokers (DESCRIBE_CONSUMER_GROUP).
 *
 * <p>Memory is bounded: at most {@link #MAX_GROUPS} groups are sampled (the first by name), each keeps a ring of
 * {@link #RING} lag samples and only the committed-offset snapshots of the rate window
 * ({@link #RATE_WINDOW_SAMPLES} intervals) plus the one before; groups no longer listed are forgotten.
 *
 * <p>Threads: {@link #sampleOnce} runs on the console's one sampler thread; HTTP threads read. Every field below
 * that changes is guarded by {@code this}.
 */
public final class LagSampler {

    private static final Logger log = LoggerFactory.getLogger(LagSampler.class);
    public static final int MAX_GROUPS = 1_000;
    public static final int RING = 360;
    /** The consume rate is measured over this many sample intervals (one minute at the default 10 s). */
    public static final int RATE_WINDOW_SAMPLES = 6;

    /** One point of the lag chart. {@code lag} sums the known queue lags; {@code unknownQueues} are not counted. */
    public record LagSample(long timeMs, long lag, int unknownQueues) {
    }

    /** The lag chart of a group: the samples, oldest first. {@code sampled} is false past {@link #MAX_GROUPS}. */
    public record LagHistory(String group, long intervalMs, int capacity, boolean sampled, List<LagSample> samples) {
    }

    /** A group's and its queues' recent consume rates (messages/s) and times to drain. */
    public record Drain(Double rate, Double seconds, String unknownReason, Map<String, Double> queueRates) {
    }

    static final String NO_RATE_YET = "no consume rate yet: the console needs two samples of the committed offsets"
            + " (one every %d s)";
    static final String NOT_CONSUMING = "not draining: the committed offsets did not move in the last %d s";
    static final String OFFSET_MOVED_BACK = "the committed offset moved back (an offset reset) in the last %d s";
    static final String LAG_UNKNOWN = "the lag is unknown";

    /** Ring of lag samples and recent offset snapshots of one group; guarded by the sampler's lock. */
    private static final class GroupHistory {
        final long[] times = new long[RING];
        final long[] lags = new long[RING];
        final int[] unknown = new int[RING];
        int head;
        int size;
        /** (time, queue key → committed offset), oldest first, within the rate window plus one older. */
        final ArrayDeque<Map.Entry<Long, Map<String, Long>>> offsets = new ArrayDeque<>();

        void add(long now, GroupsApi.GroupDetail d, long rateWindowMs) {
            times[head] = now;
            lags[head] = d.lag();
            unknown[head] = d.unknownQueues();
            head = (head + 1) % RING;
            size = Math.min(RING, size + 1);
            Map<String, Long> snap = new HashMap<>();
            for (GroupsApi.QueueLagRow q : d.queues()) {
                if (q.consumerOffset() != null) {
                    snap.put(key(q), q.consumerOffset());
                }
            }
            offsets.addLast(Map.entry(now, snap));
            // keep the newest snapshot older than the window as the base, drop the ones before it
            while (offsets.size() > 2) {
                Iterator<Map.Entry<Long, Map<String, Long>>> it = offsets.iterator();
                it.next();
                long second = it.next().getKey();
                if (second <= now - rateWindowMs) {
                    offsets.removeFirst();
                } else {
                    break;
                }
            }
        }

        List<LagSample> samples() {
            List<LagSample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int at = (head - size + i + RING) % RING;
                out.add(new LagSample(times[at], lags[at], unknown[at]));
            }
            return out;
        }
    }

    private final long intervalMs;
    private final Supplier<List<String>> groups;
    private final Function<String, GroupsApi.GroupDetail> describe;
    /** group → its samples; guarded by {@code this}. */
    private final Map<String, GroupHistory> histories = new HashMap<>();

    public LagSampler(long intervalMs, Supplier<List<String>> groups, Function<String, GroupsApi.GroupDetail> describe) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("the lag sample interval must be positive, was " + intervalMs);
        }
        this.intervalMs = intervalMs;
        this.groups = groups;
        this.describe = describe;
    }

    public long intervalMs() {
        return intervalMs;
    }

    /** The span the consume rate is measured over. */
    public long rateWindowMs() {
        return RATE_WINDOW_SAMPLES * intervalMs;
    }

    static String key(GroupsApi.QueueLagRow q) {
        return q.broker() + "/" + q.topic() + "/" + q.queueId();
    }

    /** Samples every group once (the sampler thread). A group whose brokers do not answer misses this sample. */
    public void sampleOnce(long nowMs) {
        List<String> names = new ArrayList<>(groups.get());
        names.sort(null);
        if (names.size() > MAX_GROUPS) {
            names = names.subList(0, MAX_GROUPS);
        }
        Set<String> listed = new HashSet<>(names);
        synchronized (this) {
            histories.keySet().retainAll(listed);
        }
        for (String g : names) {
            GroupsApi.GroupDetail d;
            try {
                d = describe.apply(g);
            } catch (RuntimeException e) {
                log.debug("lag sample of group {} failed: {}", g, e.toString());
                continue;
            }
            record(g, nowMs, d);
        }
    }

    /** Adds one sample of a group (also used by tests with chosen times). */
    public synchronized void record(String group, long nowMs, GroupsApi.GroupDetail d) {
        histories.computeIfAbsent(group, x -> new GroupHistory()).add(nowMs, d, rateWindowMs());
    }

    public synchronized LagHistory history(String group) {
        GroupHistory h = histories.get(group);
        return new LagHistory(group, intervalMs, RING, h != null, h == null ? List.of() : h.samples());
    }

    /** Number of groups with samples. */
    public synchronized int sampledGroups() {
        return histories.size();
    }

    /**
     * The consume rate of the group's queues between its oldest kept snapshot and its newest, and the time to
     * drain {@code current}'s lag at that rate: 0 when nothing lags, unknown (null, with a reason) when the rate is
     * unknown or zero while lagging, never 0 or negative then.
     */
    public Drain drain(String group, GroupsApi.GroupDetail current) {
        Map<String, Double> rates = new HashMap<>();
        String noRate;
        synchronized (this) {
            GroupHistory h = histories.get(group);
            noRate = String.format(NO_RATE_YET, Math.max(1, intervalMs / 1_000));
            if (h != null && h.offsets.size() >= 2) {
                Map.Entry<Long, Map<String, Long>> last = h.offsets.peekLast();
                for (Map.Entry<String, Long> e : last.getValue().entrySet()) {
                    // the oldest kept snapshot that has this queue (a queue first committed later starts there)
                    for (Map.Entry<Long, Map<String, Long>> first : h.offsets) {
                        Long before = first.getValue().get(e.getKey());
                        double dt = (last.getKey() - first.getKey()) / 1_000.0;
                        if (before != null && dt > 0) {
                            rates.put(e.getKey(), e.getValue() >= before ? (e.getValue() - before) / dt : -1.0);
                            break;
                        }
                    }
                }
            }
        }
        long windowS = Math.max(1, rateWindowMs() / 1_000);
        double total = 0;
        boolean anyRate = false;
        boolean movedBack = false;
        for (GroupsApi.QueueLagRow q : current.queues()) {
            Double r = rates.get(key(q));
            if (r != null && r < 0) {
                movedBack = true;
            } else if (r != null) {
                total += r;
                anyRate = true;
            }
        }
        rates.values().removeIf(r -> r < 0);
        if (current.lag() == 0 && current.unknownQueues() == 0) {
            return new Drain(anyRate ? total : null, 0.0, null, rates);
        }
        if (current.lag() == 0) {
            return new Drain(anyRate ? total : null, null, LAG_UNKNOWN, rates);
        }
        if (movedBack) {
            return new Drain(null, null, String.format(OFFSET_MOVED_BACK, windowS), rates);
        }
        if (!anyRate) {
            return new Drain(null, null, noRate, rates);
        }
        if (total <= 0) {
            return new Drain(0.0, null, String.format(NOT_CONSUMING, windowS), rates);
        }
        return new Drain(total, current.lag() / total, null, rates);
    }

    /** The time to drain one queue at its rate (same rules as the group's). */
    static Double queueDrain(GroupsApi.QueueLagRow q, Double rate) {
        if (q.lag() == null) {
            return null;
        }
        if (q.lag() == 0) {
            return 0.0;
        }
        return rate == null || rate <= 0 ? null : q.lag() / rate;
    }
}
