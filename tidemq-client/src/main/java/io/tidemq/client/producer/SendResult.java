package io.tidemq.client.producer;

import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MessageQueue;

import java.util.Objects;

/**
 * Where a sent message was stored. Immutable; two results are equal when every accessor answers the same.
 *
 * <p>A batch's answer carries its first id and the sizes of its records ({@link BatchMessageIds}); the id of a
 * message of the batch is written from them when {@link #msgId()} is called, not when the answer arrives (most
 * callers never ask).
 */
public final class SendResult {

    /** The id as the broker wrote it; null when derived from {@link #batchIds} or unknown. */
    private final String msgId;
    /** A batch's ids in the compact form, or null. */
    private final BatchMessageIds batchIds;
    /** Which of {@link #batchIds} is this message's id; -1: all of them (the result of a whole batch). */
    private final int batchIndex;
    private final MessageQueue queue;
    private final long queueOffset;
    private final SendStatus status;
    private final String uniqueId;

    /**
     * @param msgId       the broker-assigned id (find the message with QUERY_MESSAGE_BY_ID); for a batch, the ids
     *                    comma-separated
     * @param queue       the queue it was stored in
     * @param queueOffset its offset in that queue (for a batch, the first message's)
     * @param status      how durable it is
     * @param uniqueId    the producer-generated id ({@code UNIQ_KEY}), stable across retries; for a batch, the ids
     *                    comma-separated
     */
    public SendResult(String msgId, MessageQueue queue, long queueOffset, SendStatus status, String uniqueId) {
        this(msgId, null, -1, queue, queueOffset, status, uniqueId);
    }

    private SendResult(String msgId, BatchMessageIds batchIds, int batchIndex, MessageQueue queue, long queueOffset,
                       SendStatus status, String uniqueId) {
        this.msgId = msgId;
        this.batchIds = batchIds;
        this.batchIndex = batchIndex;
        this.queue = queue;
        this.queueOffset = queueOffset;
        this.status = status;
        this.uniqueId = uniqueId;
    }

    /** The result of a whole batch whose ids came in the compact form: {@link #msgId()} lists them all. */
    static SendResult ofBatch(BatchMessageIds ids, MessageQueue queue, long queueOffset, SendStatus status,
                              String uniqueIds) {
        return new SendResult(null, ids, -1, queue, queueOffset, status, uniqueIds);
    }

    /** The result of message {@code index} of a batch whose ids came in the compact form. */
    static SendResult ofBatchMember(BatchMessageIds ids, int index, MessageQueue queue, long queueOffset,
                                    SendStatus status, String uniqueId) {
        return new SendResult(null, ids, index, queue, queueOffset, status, uniqueId);
    }

    /**
     * The broker-assigned id (find the message with QUERY_MESSAGE_BY_ID); for the result of a whole batch
     * ({@code send(List)}), the ids comma-separated in batch order; null when the broker did not say.
     */
    public String msgId() {
        if (batchIds == null) {
            return msgId;
        }
        return batchIndex < 0 ? batchIds.joined() : batchIds.id(batchIndex);
    }

    /** A batch's ids in the compact form it was answered with, or null; for the async batching. */
    BatchMessageIds batchIds() {
        return batchIndex < 0 ? batchIds : null;
    }

    /** The queue it was stored in. */
    public MessageQueue queue() {
        return queue;
    }

    /** Its offset in that queue (for a batch, the first message's); -1 when the broker did not say. */
    public long queueOffset() {
        return queueOffset;
    }

    /** How durable it is. */
    public SendStatus status() {
        return status;
    }

    /** The producer-generated id ({@code UNIQ_KEY}), stable across retries; for a batch, the ids comma-separated. */
    public String uniqueId() {
        return uniqueId;
    }

    public boolean isOk() {
        return status == SendStatus.SEND_OK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendResult r && queueOffset == r.queueOffset && status == r.status
                && Objects.equals(queue, r.queue) && Objects.equals(uniqueId, r.uniqueId)
                && Objects.equals(msgId(), r.msgId());
    }

    @Override
    public int hashCode() {
        return Objects.hash(msgId(), queue, queueOffset, status, uniqueId);
    }

    @Override
    public String toString() {
        return "SendResult[msgId=" + msgId() + ", queue=" + queue + ", queueOffset=" + queueOffset + ", status=" + status
                + ", uniqueId=" + uniqueId + "]";
    }
}
