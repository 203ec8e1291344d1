package io.tidemq.broker.ha;

/** When a master acknowledges a send ({@code replicationMode}). */
public enum ReplicationMode {
    /** After the local put (and its fsync with {@code flushMode=SYNC}); slaves copy in the background. */
    ASYNC,
    /**
     * After every in-sync replica holds the record; refused at once while fewer than {@code minInSyncReplicas}
     * replicas (the master included) are in sync. Consumers see only records every in-sync replica holds.
     */
    SYNC
}
