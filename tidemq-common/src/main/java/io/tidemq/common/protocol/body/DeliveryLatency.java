package io.tidemq.common.protocol.body;

import java.util.List;

/**
 * Body of the GET_DELIVERY_LATENCY response (JSON): the broker-measured delivery latency of each consumer group, from
 * a message's store time to its delivery by a pull, over the broker's last completed interval
 * ({@code statsIntervalMs}). The broker records every delivered message in one HdrHistogram per group and
 * reads and resets each at the end of every interval; it keeps the last {@code keptIntervals} per group and
 * answers those that ended after the request's {@code afterMs} (every group rolls at the same instant, so the
 * {@code endMs} of the last interval read is the cursor of the next request).
 *
 * @param brokerName        the answering broker's name
 * @param nowMs             the broker's clock when it answered
 * @param intervalMs        the broker's {@code statsIntervalMs}
 * @param maxGroups         the most groups the broker measures
 * @param keptIntervals     the intervals the broker keeps per group
 * @param untrackedMessages deliveries not measured since the broker started because {@code maxGroups} groups were
 *                          measured already
 * @param groups            every measured group's intervals that ended after {@code afterMs}, oldest first, each
 *                          interval's groups by name
 */
public record DeliveryLatency(String brokerName, long nowMs, long intervalMs, int maxGroups, int keptIntervals,
                              long untrackedMessages, List<GroupInterval> groups) {

    /**
     * One group's latency over one interval. The percentiles are {@code null} (unknown, never 0) when the group got
     * no message in the interval ({@code count} 0). Precise to 0.1 % (3 significant digits).
     *
     * @param startMs the interval's start (broker clock)
     * @param endMs   the interval's end (broker clock); a new interval has a new end
     * @param count   messages delivered to the group in the interval
     * @param p50Ms   the median store → delivery time, in milliseconds
     * @param p99Ms   the 99th percentile
     * @param maxMs   the longest
     */
    public record GroupInterval(String group, long startMs, long endMs, long count, Long p50Ms, Long p99Ms,
                                Long maxMs) {
    }
}
