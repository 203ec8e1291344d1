package io.tidemq.namesrv.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whether the failover-controller peer running in this NameServer's process leads the controller quorum, and in
 * which Ratis term: with it, the controller's leader is the primary NameServer and its term is the replication
 * epoch (design ha.md §5.10). In CHAIN mode the controller also stores the chain order: the primary changes it
 * only through {@link #proposeChain} and every NameServer follows {@link #storedChain}. Passed in by the process
 * that runs both (the {@code tidemq namesrv --controller-config} wiring), so the NameServer does not depend on the
 * controller module.
 */
public interface PrimaryLeadership {

    /**
     * The term in which the local controller peer leads, or -1 when it does not lead. Called by the replication
     * thread a few times a second; must be quick and must not throw.
     */
    long leaderTerm();

    /**
     * The chain order as the local controller peer applied it (it may trail the leader's), or null when this
     * leadership stores no chain (then the primary orders the chain by itself). Called by the replication thread;
     * must be quick and must not throw.
     */
    default StoredChain storedChain() {
        return null;
    }

    /**
     * Proposes a new chain order, applied by the controller only if its stored chain is still at
     * {@code expectedEpoch} (compare-and-set). Completes with true once committed, false when refused (a stale
     * epoch, no quorum); never blocks the caller.
     */
    default CompletableFuture<Boolean> proposeChain(long expectedEpoch, long newEpoch, List<String> chain) {
        return CompletableFuture.completedFuture(false);
    }

    /** The controller's chain order: epoch (0 = none yet) and members, head first. */
    record StoredChain(long epoch, List<String> chain) {
        public StoredChain {
            chain = List.copyOf(chain);
        }
    }
}
