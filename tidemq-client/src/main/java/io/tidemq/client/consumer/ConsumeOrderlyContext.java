package io.tidemq.client.consumer;

import io.tidemq.common.message.MessageQueue;

/**
 * What an ordered listener call is about.
 *
 * @param group the consumer group
 * @param queue the queue every message of the batch comes from; no other thread consumes it during the call
 */
public record ConsumeOrderlyContext(String group, MessageQueue queue) {
}
