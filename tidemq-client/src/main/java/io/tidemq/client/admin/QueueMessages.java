package io.tidemq.client.admin;

import io.tidemq.common.message.MessageExt;

import java.util.List;

/**
 * A bounded read of one queue (QUERY_QUEUE_MESSAGES): the messages found and whether the range asked for was
 * read to its end. When {@code complete} is false the read stopped early (the count or size bound), and
 * {@code nextOffset} is where to continue.
 *
 * @param brokerName the broker group holding the queue
 * @param topic      the topic
 * @param queueId    the queue
 * @param fromOffset the first offset read
 * @param nextOffset where a next read would start
 * @param minOffset  the queue's oldest offset still kept
 * @param maxOffset  one past the queue's newest message
 * @param complete   whether the range was read to its end (the queue's end or the time bound)
 * @param messages   the messages, in offset order
 */
public record QueueMessages(String brokerName, String topic, int queueId, long fromOffset, long nextOffset,
                            long minOffset, long maxOffset, boolean complete, List<MessageExt> messages) {

    public QueueMessages {
        messages = List.copyOf(messages);
    }
}
