package io.tidemq.client.consumer;

import io.tidemq.common.message.MessageExt;

import java.util.List;

/**
 * Consumes messages on the consumer's thread pool, several batches at once (also from the same queue), so
 * no order is guaranteed. The batch holds at most {@code consumeBatchSize} messages of one queue. Throwing
 * counts as {@link ConsumeStatus#RETRY}.
 */
@FunctionalInterface
public interface MessageListenerConcurrently {

    ConsumeStatus consume(List<MessageExt> msgs, ConsumeContext context);
}
