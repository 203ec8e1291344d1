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
 * @param requestSeq    the request's number in this client's sequence of lock and unlock requests (increasing;
 *                      optional): a lock numbered below this client's own unlock of a queue does not re-take it
 */
public record LockBatchRequest(String consumerGroup, String clientId, Set<MessageQueue> queues, Long requestSeq) {

    /** A request without a sequence number. */
    public LockBatchRequest(String consumerGroup, String clientId, Set<MessageQueue> queues) {
        this(consumerGroup, clientId, queues, null);
    }
}
