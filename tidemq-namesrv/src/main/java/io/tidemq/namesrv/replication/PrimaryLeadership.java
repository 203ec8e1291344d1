package io.tidemq.namesrv.replication;

/**
 * Whether the failover-controller peer running in this NameServer's process leads the controller quorum, and in
 * which Ratis term: with it, the controller's leader is the primary NameServer and its term is the replication
 * epoch (design ha.md §5.10). Passed in by the process that runs both (the {@code tidemq namesrv
 * --controller-config} wiring), so the NameServer does not depend on the controller module.
 */
@FunctionalInterface
public interface PrimaryLeadership {

    /**
     * The term in which the local controller peer leads, or -1 when it does not lead. Called by the replication
     * thread a few times a second; must be quick and must not throw.
     */
    long leaderTerm();
}
