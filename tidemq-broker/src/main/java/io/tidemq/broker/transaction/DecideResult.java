package io.tidemq.broker.transaction;

/**
 * The outcome of one END_TRANSACTION (or scan rollback) for a half message.
 *
 * @param applied   the decision in force: this request's, an earlier one's, or {@code null} when the half
 *                  was finished so long ago that the broker no longer remembers how
 * @param duplicate whether an earlier request had already decided (this one changed nothing)
 * @param unconfirmedDurable whether this request applied the decision but the store did not confirm its puts
 *                  durable in time (SYNC flush timeout): they are appended and the decision stands
 */
public record DecideResult(TransactionDecision applied, boolean duplicate, boolean unconfirmedDurable) {

    public DecideResult(TransactionDecision applied, boolean duplicate) {
        this(applied, duplicate, false);
    }

    /** A sentence for the response remark and the logs. */
    public String describe(long halfOffset) {
        if (applied == null) {
            return "half message at offset " + halfOffset + " was decided before; nothing changed";
        }
        String what = applied == TransactionDecision.COMMIT ? "committed" : "rolled back";
        return duplicate ? "half message at offset " + halfOffset + " was already " + what + "; nothing changed"
                : "half message at offset " + halfOffset + " " + what;
    }
}
