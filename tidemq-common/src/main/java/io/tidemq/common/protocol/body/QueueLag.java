package io.tidemq.common.protocol.body;

/**
 * How far a consumer group is behind on one queue (part of {@link GroupDescription}).
 *
 * @param topic          the topic
 * @param queueId        the queue
 * @param brokerOffset   the queue's max offset (the offset the next message will get)
 * @param consumerOffset the group's committed offset; -1 when it never committed on this queue
 * @param lag            messages not yet consumed: brokerOffset - max(consumerOffset, minOffset of the queue)
 */
public record QueueLag(String topic, int queueId, long brokerOffset, long consumerOffset, long lag) {
}
