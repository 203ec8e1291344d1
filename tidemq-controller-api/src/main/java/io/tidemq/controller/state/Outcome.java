package io.tidemq.controller.state;

/** What applying a command did. Every value but ACCEPTED left the state unchanged. */
public enum Outcome {
    ACCEPTED(0),
    /** The command expected another master epoch (or another master): it was built from stale state. */
    FENCED_MASTER_EPOCH(1),
    /** The command expected another in-sync-set epoch. */
    FENCED_ISR_EPOCH(2),
    /** The election candidate is not in the in-sync set and the election was not unclean. */
    CANDIDATE_NOT_IN_SYNC(3),
    UNKNOWN_GROUP(4),
    UNKNOWN_REPLICA(5),
    /** The command was malformed or violates a rule (e.g. an in-sync set without its master). */
    INVALID(6),
    /** A registration older than the one the controller holds (a delayed retry of an earlier start). */
    STALE_REGISTRATION(7),
    /** A NameServer chain change expected another chain epoch: it was built from a stale chain. */
    FENCED_CHAIN_EPOCH(8);

    private final int code;

    Outcome(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Outcome ofCode(int code) {
        for (Outcome o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        return INVALID;
    }
}
