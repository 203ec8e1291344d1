package io.tidemq.common.protocol.body;

import io.tidemq.common.message.MessageQueue;

import java.util.Set;

/**
 * Body of LOCK_BATCH_MQ (JSON): an ordered consumer asks the broker to lock queues for it, or to extend the
 * locks it already holds. The answer is a {@link LockBatchResponse}.
 *
 * @param consumerGroup the consumer group the locks belong to (locks of different groups are independent)
 * @param clientId      the asking client ({@code ip@pid@instanceName})
 * @param queues        the queues to lock; all of them hosted by the broker asked
 */
public record LockBatchRequest(String consumerGroup, String clientId, Set<MessageQueue> queues) {
}
