package io.tidemq.client.transaction;

import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;

/**
 * The application's side of a transactional message: runs the local transaction, and later answers the
 * broker's question about a transaction whose outcome it never learned. A thrown exception or a {@code null}
 * return counts as {@link LocalTransactionState#UNKNOWN}.
 */
public interface TransactionListener {

    /**
     * Runs the local transaction after the half message is stored; on the thread that called
     * {@link TransactionProducer#sendMessageInTransaction}.
     *
     * @param msg the message as the application sent it, with its {@code UNIQ_KEY} property set: the
     *            transaction id, which {@link #checkLocalTransaction} later sees as {@code msg.uniqueId()}
     * @param arg the argument given to {@code sendMessageInTransaction}
     */
    LocalTransactionState executeLocalTransaction(Message msg, Object arg);

    /**
     * Tells whether the local transaction of {@code msg} committed; on the producer's check executor. Any
     * producer of the group may be asked, also one that did not send the message (the sender may be gone), so
     * look the outcome up in shared state (a database row keyed by {@code msg.uniqueId()}, say).
     *
     * @param msg the message as sent: its real topic, properties and {@code uniqueId()} (the transaction id)
     */
    LocalTransactionState checkLocalTransaction(MessageExt msg);
}
