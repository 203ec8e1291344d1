package io.tidemq.controller.state;

import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Collections;

/**
 * A change to the controller state, proposed by the controller leader and applied by every peer in log order.
 * Each carries what its proposer saw (epochs); apply re-checks it, so a command built from stale state is
 * rejected instead of applied (compare-and-set).
 */
public sealed interface Command {
    String group();

    /**
     * A broker (re)registers. A new store UUID (wiped disk) always leaves the in-sync set; a new incarnation
     * (restart) leaves it unless it is the last member, and a restarted master stops being master.
     */
    record RegisterReplica(String group, ReplicaInfo replica) implements Command {
        public RegisterReplica {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(replica, "replica");
        }
    }

    /** The master changes its in-sync set; valid only for the current master in its epoch and the expected set epoch. */
    record AlterIsr(String group, int masterId, int masterEpoch, int expectedIsrEpoch, SortedSet<Integer> newIsr)
            implements Command {
        public AlterIsr {
            Objects.requireNonNull(group, "group");
            newIsr = Collections.unmodifiableSortedSet(new TreeSet<>(newIsr));
        }
    }

    /**
     * The NameServer chain order (CHAIN replication): applied only when the stored chain's epoch is
     * {@code expectedEpoch} (compare-and-set) and {@code newEpoch} is above it. Proposed by the primary NameServer,
     * the one beside the controller's leader: when it takes the role (itself at the head) and when it repairs the
     * chain (a silent member out, a returning one at the tail). {@link #group()} is empty: it names no broker group.
     */
    record SetNamesrvChain(long expectedEpoch, long newEpoch, java.util.List<String> chain) implements Command {
        public SetNamesrvChain {
            Objects.requireNonNull(chain, "chain");
            chain = java.util.List.copyOf(chain);
        }

        @Override
        public String group() {
            return "";
        }
    }

    /**
     * Make {@code candidateId} master in epoch {@code expectedMasterEpoch + 1}. The candidate must be in the
     * in-sync set unless {@code unclean} (an operator's decision to accept losing what only others held).
     */
    record ElectMaster(String group, int expectedMasterEpoch, int candidateId, boolean unclean) implements Command {
        public ElectMaster {
            Objects.requireNonNull(group, "group");
        }
    }
}
