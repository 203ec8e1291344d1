package io.tidemq.common.protocol.body;

/**
 * How far a consumer group is behind on one queue (part of {@link GroupDescription}).
 *
 * @param topic          the topic
 * @param queueId        the queue
 * @param brokerOffset   the queue's max offset (the offset the next message will get)
 * @param consumerOffset the group's committed offset; -1 when it never committed on this queue
 * @param lag            messages not yet consumed: brokerOffset - max(consumerOffset, minOffset of the queue)
 * @param lagMs          how old the oldest unconsumed message was when the broker answered (its clock minus the
 *                       message's store time), read in the same pass as the offsets; 0 when nothing is unconsumed;
 *                       {@code null} when unknown (the group never committed on the queue, or that message could not
 *                       be read), never negative
 */
public record QueueLag(String topic, int queueId, long brokerOffset, long consumerOffset, long lag, Long lagMs) {

    /** A queue whose lag in time is unknown. */
    public QueueLag(String topic, int queueId, long brokerOffset, long consumerOffset, long lag) {
        this(topic, queueId, brokerOffset, consumerOffset, lag, null);
    }
}
