package io.tidemq.namesrv.config;

/**
 * How the NameServers of one cluster replicate the route registry (docs/namesrv.md, "Replication"). The mode
 * decides when a broker's registration is answered and which NameServers are then guaranteed to serve it.
 */
public enum ReplicationMode {
    /** No replication: every NameServer keeps its own registry from the brokers' own registrations (the default). */
    NONE,
    /** The primary answers once it applied the change; backups follow as fast as they can (reads may be stale). */
    ASYNC,
    /** The primary answers once every backup of the sync set applied the change; a lagging backup leaves the set. */
    SYNC,
    /** The primary answers once {@code namesrvSemiSyncAcks} backups applied the change. */
    SEMI_SYNC,
    /** Each node applies and forwards along the chain; the tail's acknowledgement travels back to the head. */
    CHAIN
}
