package io.tidemq.broker.transaction;

/**
 * The broker's internal transaction topics. Neither is a configured topic, so consumers cannot pull them and
 * they are never registered with the NameServers; both live in the CommitLog like any message, so they are
 * flushed, replicated and recovered with it.
 */
public final class TransactionTopics {

    /** Half messages: stored here, queue {@link #QUEUE_ID}, until the transaction is decided. */
    public static final String HALF_TOPIC = "TIDEMQ_SYS_TRANS_HALF";
    /** One record per decision (COMMIT, ROLLBACK) and per check-back sent (CHECK), queue {@link #QUEUE_ID}. */
    public static final String OP_TOPIC = "TIDEMQ_SYS_TRANS_OP";
    public static final int QUEUE_ID = 0;

    private TransactionTopics() {
    }
}
