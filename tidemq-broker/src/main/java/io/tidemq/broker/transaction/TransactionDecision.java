package io.tidemq.broker.transaction;

import java.util.Locale;

/** What a producer (or the broker itself, after too many check-backs) decided about a half message. */
public enum TransactionDecision {
    /** Deliver the message to its real topic. */
    COMMIT,
    /** Discard the message. */
    ROLLBACK,
    /** Not known yet: the broker keeps the half and checks back later. */
    UNKNOWN;

    /**
     * Parses the END_TRANSACTION header field {@code decision}.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static TransactionDecision parse(String raw) {
        if (raw != null) {
            try {
                return valueOf(raw.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through to the explanatory message
            }
        }
        throw new IllegalArgumentException("header field 'decision' is '" + raw
                + "'; send COMMIT, ROLLBACK or UNKNOWN");
    }
}
