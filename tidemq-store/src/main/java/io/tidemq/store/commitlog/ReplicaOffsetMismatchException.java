package io.tidemq.store.commitlog;

import io.tidemq.store.api.StoreException;

/**
 * Replication: the master sent bytes for an offset that is not this replica's log end. The replica must do the
 * handshake again (it truncates to the common point and fetches from there).
 */
public class ReplicaOffsetMismatchException extends StoreException {

    public ReplicaOffsetMismatchException(long expectedOffset, long logEnd, boolean emptyLog) {
        super("replicated bytes for offset " + expectedOffset + " do not continue this log, which "
                + (emptyLog ? "is empty and can only start at a file boundary" : "ends at " + logEnd)
                + "; the replica reconnects and repeats the handshake");
    }
}
