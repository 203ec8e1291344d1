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
 * @param requestSeq    the request's number in this client's sequence of lock and unlock requests (increasing;
 *                      optional): for one lease, the client's lock requests numbered below it do not re-take the
 *                      released queues
 */
public record UnlockBatchRequest(String consumerGroup, String clientId, Set<MessageQueue> queues, Long requestSeq) {

    /** A request without a sequence number. */
    public UnlockBatchRequest(String consumerGroup, String clientId, Set<MessageQueue> queues) {
        this(consumerGroup, clientId, queues, null);
    }
}
