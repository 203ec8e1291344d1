package io.tidemq.client.consumer.internal.orderly;

import io.tidemq.client.instance.ClientInstance;

import io.tidemq.client.RequestFailedException;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.body.LockBatchRequest;
import io.tidemq.common.protocol.body.LockBatchResponse;
import io.tidemq.common.protocol.body.UnlockBatchRequest;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LOCK_BATCH_MQ and UNLOCK_BATCH_MQ of one consumer group, sent as this client instance. Refusals come back as
 * {@link RequestFailedException}, transport failures as {@code RemotingFailedException}. Thread-safe.
 *
 * <p>Every request carries a sequence number, increasing across the JVM (client ids name the process): the
 * broker does not let a lock request numbered below this client's unlock of a queue take that queue back. A
 * caller that decides from local state whether to send a lock takes the number ({@link #nextSeq}) before it
 * reads that state, so an unlock decided after that read always carries a higher number.
 */
final class QueueLockRemoting {

    /** The last sequence number handed out in this JVM. */
    private static final AtomicLong SEQ = new AtomicLong();

    private final ClientInstance instance;
    private final String group;

    QueueLockRemoting(ClientInstance instance, String group) {
        this.instance = instance;
        this.group = group;
    }

    /** The next request sequence number. */
    static long nextSeq() {
        return SEQ.incrementAndGet();
    }

    /** Locks (or renews) {@code mqs} at the broker {@code addr}, waiting for the answer. */
    LockBatchResponse lock(String addr, Set<MessageQueue> mqs) {
        return instance.api().lockBatch("queue lock of group " + group, addr, lockRequest(mqs, nextSeq()));
    }

    /** Like {@link #lock}, answered on a network thread; {@code seq} was taken with {@link #nextSeq}. */
    CompletableFuture<LockBatchResponse> lockAsync(String addr, Set<MessageQueue> mqs, long seq) {
        return instance.api().lockBatchAsync("queue lock of group " + group, addr, lockRequest(mqs, seq));
    }

    /** Releases this client's locks on {@code mqs} at the broker {@code addr}, waiting for the answer. */
    void unlock(String addr, Set<MessageQueue> mqs) {
        instance.api().unlockBatch("queue unlock of group " + group, addr,
                new UnlockBatchRequest(group, instance.clientId(), mqs, nextSeq()));
    }

    private LockBatchRequest lockRequest(Set<MessageQueue> mqs, long seq) {
        return new LockBatchRequest(group, instance.clientId(), mqs, seq);
    }
}
