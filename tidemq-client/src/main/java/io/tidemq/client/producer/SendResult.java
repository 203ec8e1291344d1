package io.tidemq.client.producer;

import io.tidemq.common.message.MessageQueue;

/**
 * Where a sent message was stored.
 *
 * @param msgId      the broker-assigned id (find the message with QUERY_MESSAGE_BY_ID); for a batch, the
 *                   ids comma-separated
 * @param queue      the queue it was stored in
 * @param queueOffset its offset in that queue (for a batch, the first message's)
 * @param status     how durable it is
 * @param uniqueId   the producer-generated id ({@code UNIQ_KEY}), stable across retries; for a batch, the
 *                   ids comma-separated
 */
public record SendResult(String msgId, MessageQueue queue, long queueOffset, SendStatus status, String uniqueId) {

    public boolean isOk() {
        return status == SendStatus.SEND_OK;
    }
}
