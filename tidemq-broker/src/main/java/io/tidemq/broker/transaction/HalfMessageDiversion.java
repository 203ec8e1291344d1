package io.tidemq.broker.transaction;

import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.store.TransactionDiversion;
import io.tidemq.store.api.MessageRecord;

/**
 * The transaction diversion of the broker's put door ({@link BrokerStore}): a message a producer sends with
 * TRANSACTION_PREPARED is stored as its half message ({@link HalfMessages#toHalf}). Stateless.
 */
public final class HalfMessageDiversion implements TransactionDiversion {

    @Override
    public boolean isPrepared(MessageRecord record) {
        return HalfMessages.isPrepared(record.properties());
    }

    @Override
    public MessageRecord toHalf(MessageRecord record, String producerGroup) {
        return HalfMessages.toHalf(record, producerGroup);
    }
}
