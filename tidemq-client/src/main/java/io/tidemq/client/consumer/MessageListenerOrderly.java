package io.tidemq.client.consumer;

import io.tidemq.common.message.MessageExt;

import java.util.List;

/**
 * Consumes the messages of each queue in queue-offset order: a queue is handled by one thread at a time, and
 * only while this member holds the queue's lock on its broker, so messages sent to one queue (one sharding key
 * with {@code MessageQueueSelector.byHash()}) are consumed in the order they were sent, across members too.
 * The batch holds at most {@code consumeBatchSize} consecutive messages of one queue.
 *
 * <p>Returning {@link ConsumeOrderlyStatus#SUSPEND_CURRENT_QUEUE_A_MOMENT} (or throwing) pauses the queue for
 * {@code suspendCurrentQueueTimeMs} and hands the same messages again, with {@code reconsumeTimes} one higher;
 * after {@code maxReconsumeTimes} such retries they go to the group's dead-letter queue and the queue moves on.
 */
@FunctionalInterface
public interface MessageListenerOrderly {

    ConsumeOrderlyStatus consume(List<MessageExt> msgs, ConsumeOrderlyContext context);
}
