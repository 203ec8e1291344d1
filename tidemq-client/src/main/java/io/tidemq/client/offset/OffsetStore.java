package io.tidemq.client.offset;

import io.tidemq.common.message.MessageQueue;

import java.util.Collection;

/**
 * A consumer group's consume offsets: the next offset to consume per queue. Updates land in memory;
 * {@link #persist} and {@link #persistAll} make them durable (on the broker for clustering, in a local file
 * for broadcasting). Implementations are thread-safe.
 */
public interface OffsetStore {

    /** Value returned when no offset is known. */
    long NONE = -1L;

    /** Reads what is already durable (the local file); a no-op for broker-side offsets. */
    void load();

    /**
     * Records {@code offset} for {@code mq} in memory. With {@code increaseOnly} a smaller value is ignored,
     * so out-of-order completions cannot move the offset backwards; {@code seek} passes false.
     */
    void update(MessageQueue mq, long offset, boolean increaseOnly);

    /** The in-memory offset, or {@link #NONE}. */
    long readLocal(MessageQueue mq);

    /**
     * The durable offset (asks the broker for clustering), or {@link #NONE} when the group never committed
     * one; the in-memory value is set to it.
     *
     * @throws io.tidemq.client.ClientException when the broker cannot be asked
     */
    long readStored(MessageQueue mq);

    /** Makes the in-memory offset of {@code mq} durable; failures are logged, not thrown. */
    void persist(MessageQueue mq);

    /** {@link #persist} for each queue. */
    void persistAll(Collection<MessageQueue> mqs);

    /** Forgets the in-memory offset of a queue this member no longer reads. */
    void remove(MessageQueue mq);
}
