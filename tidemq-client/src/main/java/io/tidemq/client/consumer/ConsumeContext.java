package io.tidemq.client.consumer;

import io.tidemq.common.message.MessageQueue;

/**
 * What a listener call is about: the queue its messages come from and the consumer group.
 *
 * @param group the consumer group
 * @param queue the queue every message of the batch comes from
 */
public record ConsumeContext(String group, MessageQueue queue) {
}
