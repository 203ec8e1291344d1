package io.tidemq.common.protocol.body;

import java.util.List;

/**
 * Body of the GET_TOPIC_RATES response (JSON): how many messages of one topic the broker stored (in) and delivered
 * to consumers by pulls (out) per second, one sample per {@code statsIntervalMs}, the last {@code capacity} of them.
 * The broker keeps these samples for every topic that had traffic since it started (they live in its memory).
 *
 * @param topic      the topic asked for
 * @param brokerName the answering broker's name
 * @param intervalMs the broker's {@code statsIntervalMs}
 * @param capacity   the most samples the broker keeps per topic
 * @param samples    oldest first; empty when the topic had no traffic since the broker started
 */
public record TopicRates(String topic, String brokerName, long intervalMs, int capacity, List<Sample> samples) {

    /**
     * One interval: messages per second over {@code [startMs, endMs)} (broker clock).
     *
     * @param inPerSecond  messages stored
     * @param outPerSecond messages delivered by pulls, summed over every group
     */
    public record Sample(long startMs, long endMs, double inPerSecond, double outPerSecond) {
    }
}
