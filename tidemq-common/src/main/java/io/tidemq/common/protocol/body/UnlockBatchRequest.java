package io.tidemq.common.protocol.body;

import io.tidemq.common.message.MessageQueue;

import java.util.Set;

/**
 * Body of UNLOCK_BATCH_MQ (JSON): an ordered consumer releases queue locks it holds. Locks held by another
 * client are left alone.
 *
 * @param consumerGroup the consumer group the locks belong to
 * @param clientId      the releasing client ({@code ip@pid@instanceName})
 * @param queues        the queues to release
 */
public record UnlockBatchRequest(String consumerGroup, String clientId, Set<MessageQueue> queues) {
}
