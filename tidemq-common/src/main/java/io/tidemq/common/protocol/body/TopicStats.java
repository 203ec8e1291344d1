package io.tidemq.common.protocol.body;

import java.util.List;

/**
 * Body of the GET_TOPIC_STATS response (JSON): the topic's queues on one broker, by queue id, and whether the
 * broker's configuration marks the topic as ordered ({@code null} when the broker did not say).
 */
public record TopicStats(String topic, String brokerName, List<QueueStats> queues, Boolean order) {

    /** Stats without the order flag (unknown). */
    public TopicStats(String topic, String brokerName, List<QueueStats> queues) {
        this(topic, brokerName, queues, null);
    }

    /** Messages currently stored in all queues (max - min summed). */
    public long storedMessages() {
        long n = 0;
        for (QueueStats q : queues) {
            n += q.maxOffset() - q.minOffset();
        }
        return n;
    }
}
