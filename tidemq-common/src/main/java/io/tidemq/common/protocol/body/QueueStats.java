package io.tidemq.common.protocol.body;

/**
 * One queue of a topic on one broker (part of {@link TopicStats}).
 *
 * @param queueId               the queue
 * @param minOffset             the oldest offset still stored
 * @param maxOffset             the offset the next message will get
 * @param lastUpdateTimestampMs store time of the newest message, epoch millis; 0 when the queue is empty
 */
public record QueueStats(int queueId, long minOffset, long maxOffset, long lastUpdateTimestampMs) {
}
