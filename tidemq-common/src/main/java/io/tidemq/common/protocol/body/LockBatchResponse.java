package io.tidemq.common.protocol.body;

import io.tidemq.common.message.MessageQueue;

import java.util.Set;

/**
 * Body of the LOCK_BATCH_MQ response (JSON).
 *
 * @param lockedQueues the requested queues this client now holds; a queue locked by another client whose lock
 *                     has not expired is left out
 * @param lockLeaseMs  how long a lock lives on the broker without renewal ({@code rebalanceLockMaxLiveMs}),
 *                     counted from when the broker received the request: a client that counts from when it
 *                     sent the request never believes it holds a lock the broker already let go
 */
public record LockBatchResponse(Set<MessageQueue> lockedQueues, long lockLeaseMs) {
}
