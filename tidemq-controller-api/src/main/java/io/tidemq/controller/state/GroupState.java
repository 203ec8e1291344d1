package io.tidemq.controller.state;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The controller's record of one broker group (immutable; every change makes a new one).
 *
 * @param group       the group name ({@code brokerName})
 * @param masterId    the replica accepting writes, or {@link #NO_MASTER}
 * @param masterEpoch incremented by every election; a broker takes writes only in the epoch it was given
 * @param isr         the in-sync replica set (ids of {@code replicas})
 * @param isrEpoch    incremented by every change of {@code isr}
 * @param replicas    every replica that registered, by id
 */
public record GroupState(String group, int masterId, int masterEpoch, SortedSet<Integer> isr, int isrEpoch,
                         SortedMap<Integer, ReplicaInfo> replicas) {
    public static final int NO_MASTER = -1;

    public GroupState {
        isr = Collections.unmodifiableSortedSet(new TreeSet<>(isr));
        replicas = Collections.unmodifiableSortedMap(new TreeMap<>(replicas));
    }

    static GroupState empty(String group) {
        return new GroupState(group, NO_MASTER, 0, new TreeSet<>(), 0, new TreeMap<>());
    }

    public boolean hasMaster() {
        return masterId != NO_MASTER;
    }

    /** The master's replica record, or null when the group has none. */
    public ReplicaInfo master() {
        return hasMaster() ? replicas.get(masterId) : null;
    }

    GroupState withReplica(ReplicaInfo replica) {
        TreeMap<Integer, ReplicaInfo> next = new TreeMap<>(replicas);
        next.put(replica.replicaId(), replica);
        return new GroupState(group, masterId, masterEpoch, isr, isrEpoch, next);
    }

    GroupState withIsr(SortedSet<Integer> newIsr) {
        return new GroupState(group, masterId, masterEpoch, newIsr, isrEpoch + 1, replicas);
    }

    GroupState withMaster(int newMasterId, int newMasterEpoch) {
        return new GroupState(group, newMasterId, newMasterEpoch, isr, isrEpoch, replicas);
    }
}
