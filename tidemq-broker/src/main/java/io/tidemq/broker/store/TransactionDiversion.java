package io.tidemq.broker.store;

import io.tidemq.store.api.MessageRecord;

/**
 * How {@link BrokerStore} turns the first phase of a transactional send into a half message. The rules live with
 * the transactions ({@code broker.transaction.HalfMessageDiversion}). Implementations are stateless.
 */
public interface TransactionDiversion {

    /** Whether a producer sent {@code record} as the half of a transaction. */
    boolean isPrepared(MessageRecord record);

    /**
     * The half message to store for a prepared {@code record}.
     *
     * @param producerGroup the sender's group from the request header, used when the message names none
     * @throws IllegalArgumentException when no producer group is known (the broker could not check back)
     */
    MessageRecord toHalf(MessageRecord record, String producerGroup);
}
