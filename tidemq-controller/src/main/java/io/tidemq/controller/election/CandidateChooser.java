package io.tidemq.controller.election;

import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;

import java.util.Comparator;
import java.util.Optional;

/**
 * Picks the replica to elect (pure; the caller passes the clock reading). A replica is alive when this peer heard
 * a heartbeat of its registered incarnation within the lease. Among the alive candidates the longest log wins:
 * highest last epoch, then highest log end, then highest priority, then lowest id.
 */
public final class CandidateChooser {
    private final long leaseNanos;

    public CandidateChooser(long leaseNanos) {
        this.leaseNanos = leaseNanos;
    }

    /** Whether the replica's lease is current at {@code nowNanos}. */
    public boolean alive(GroupState group, int replicaId, LivenessTable liveness, long nowNanos) {
        ReplicaInfo replica = group.replicas().get(replicaId);
        Heartbeat hb = liveness.latest(group.group(), replicaId);
        return replica != null && hb != null && hb.incarnation() == replica.incarnation()
                && nowNanos - hb.receivedAtNanos() <= leaseNanos;
    }

    /**
     * The best alive candidate other than the current master: from the in-sync set when {@code unclean} is false,
     * else from every registered replica.
     */
    public Optional<Integer> choose(GroupState group, LivenessTable liveness, long nowNanos, boolean unclean) {
        Comparator<Heartbeat> longestLog = Comparator.comparingInt(Heartbeat::lastEpoch)
                .thenComparingLong(Heartbeat::maxOffset)
                .thenComparingInt(hb -> group.replicas().get(hb.replicaId()).priority())
                .thenComparing(Heartbeat::replicaId, Comparator.reverseOrder());
        return (unclean ? group.replicas().keySet() : group.isr()).stream()
                .filter(id -> id != group.masterId())
                .filter(id -> alive(group, id, liveness, nowNanos))
                .map(id -> liveness.latest(group.group(), id))
                .max(longestLog)
                .map(Heartbeat::replicaId);
    }
}
