package io.tidemq.client.transaction;

/** The outcome of a local transaction, as a {@link TransactionListener} reports it. */
public enum LocalTransactionState {
    /** The local transaction committed: deliver the message. */
    COMMIT,
    /** The local transaction rolled back: discard the message. */
    ROLLBACK,
    /** Not known yet: the broker asks again later ({@link TransactionListener#checkLocalTransaction}). */
    UNKNOWN
}
