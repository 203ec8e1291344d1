package io.tidemq.controller.state;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the controller decides, per broker group (immutable). {@link #apply} is a pure function: it never
 * throws for any command, reads no clock and does no I/O, so every Ratis peer that applies the same log reaches
 * the same state (the state machine relies on that; see {@code ControllerStateMachine}).
 */
public final class ControllerState {
    public static final ControllerState EMPTY = new ControllerState(new TreeMap<>());
    public static final int MAX_GROUP_NAME_CHARS = 255;
    /** Bounds a NameServer chain (its members are host:port texts). */
    public static final int MAX_NAMESRV_CHAIN = 64;

    private final SortedMap<String, GroupState> groups;
    private final NamesrvChain namesrvChain;

    public ControllerState(SortedMap<String, GroupState> groups) {
        this(groups, NamesrvChain.NONE);
    }

    public ControllerState(SortedMap<String, GroupState> groups, NamesrvChain namesrvChain) {
        this.groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
        this.namesrvChain = java.util.Objects.requireNonNull(namesrvChain, "namesrvChain");
    }

    /** The NameServer chain order (CHAIN replication); {@link NamesrvChain#NONE} until one was set. */
    public NamesrvChain namesrvChain() {
        return namesrvChain;
    }

    public SortedMap<String, GroupState> groups() {
        return groups;
    }

    /** The group's state, or null when no replica of it ever registered. */
    public GroupState group(String name) {
        return groups.get(name);
    }

    /** The next state and the reply to the proposer; a rejected command returns this same state. */
    public record Transition(ControllerState state, Reply reply) {
    }

    public Transition apply(Command command) {
        try {
            if (command instanceof Command.SetNamesrvChain c) {
                return setNamesrvChain(c);
            }
            if (command == null || !validGroupName(command.group())) {
                return unchanged(Reply.rejected(Outcome.INVALID, "group name must be 1.." + MAX_GROUP_NAME_CHARS
                        + " characters", null));
            }
            if (command instanceof Command.RegisterReplica c) {
                return register(c);
            }
            if (command instanceof Command.AlterIsr c) {
                return alterIsr(c);
            }
            if (command instanceof Command.ElectMaster c) {
                return elect(c);
            }
            return unchanged(Reply.rejected(Outcome.INVALID, "unknown command " + command.getClass().getSimpleName(),
                    null));
        } catch (RuntimeException bug) {
            // Deterministic on every peer (same input, same code), so all peers reject alike and stay equal.
            return unchanged(Reply.rejected(Outcome.INVALID, "rejected: " + bug, groups.get(command.group())));
        }
    }

    private Transition register(Command.RegisterReplica c) {
        ReplicaInfo r = c.replica();
        if (r.replicaId() < 0 || r.replicaId() > ReplicaInfo.MAX_REPLICA_ID || r.brokerAddr().isEmpty()
                || r.haAddr().isEmpty() || r.storeUuid().isEmpty() || r.incarnation() < 0) {
            return unchanged(Reply.rejected(Outcome.INVALID, "replica " + r.replicaId()
                    + ": id must be 0.." + ReplicaInfo.MAX_REPLICA_ID
                    + ", addresses and store UUID non-empty, incarnation >= 0", groups.get(c.group())));
        }
        GroupState g = groups.getOrDefault(c.group(), GroupState.empty(c.group()));
        ReplicaInfo old = g.replicas().get(r.replicaId());
        if (old == null) {
            return changed(g.withReplica(r));
        }
        boolean wiped = !old.sameStore(r);
        if (!wiped && r.incarnation() < old.incarnation()) {
            return unchanged(Reply.rejected(Outcome.STALE_REGISTRATION, "replica " + r.replicaId() + " incarnation "
                    + r.incarnation() + " is older than the registered " + old.incarnation(), g));
        }
        GroupState next = g.withReplica(r);
        if (!wiped && r.incarnation() == old.incarnation()) {
            return changed(next); // the same process again: addresses or priority may change, nothing else
        }
        // A restart: whatever the process held in memory (its role, its epoch) is gone.
        if (next.masterId() == r.replicaId()) {
            next = next.withMaster(GroupState.NO_MASTER, next.masterEpoch());
        }
        // A wiped disk holds nothing; a restarted replica must prove it caught up again, except the last member
        // standing (its log is still the longest committed one).
        if (next.isr().contains(r.replicaId()) && (wiped || next.isr().size() > 1)) {
            TreeSet<Integer> isr = new TreeSet<>(next.isr());
            isr.remove(r.replicaId());
            next = next.withIsr(isr);
        }
        return changed(next);
    }

    private Transition alterIsr(Command.AlterIsr c) {
        GroupState g = groups.get(c.group());
        if (g == null) {
            return unchanged(Reply.rejected(Outcome.UNKNOWN_GROUP, "no replica of group " + c.group()
                    + " registered", null));
        }
        if (g.masterId() != c.masterId() || g.masterEpoch() != c.masterEpoch()) {
            return unchanged(Reply.rejected(Outcome.FENCED_MASTER_EPOCH, "replica " + c.masterId() + " epoch "
                    + c.masterEpoch() + " is not the master; the master is " + g.masterId() + " in epoch "
                    + g.masterEpoch(), g));
        }
        if (g.isrEpoch() != c.expectedIsrEpoch()) {
            return unchanged(Reply.rejected(Outcome.FENCED_ISR_EPOCH, "in-sync set epoch is " + g.isrEpoch()
                    + ", the command expected " + c.expectedIsrEpoch(), g));
        }
        if (!c.newIsr().contains(c.masterId())) {
            return unchanged(Reply.rejected(Outcome.INVALID, "the in-sync set must contain its master "
                    + c.masterId(), g));
        }
        for (int id : c.newIsr()) {
            if (!g.replicas().containsKey(id)) {
                return unchanged(Reply.rejected(Outcome.UNKNOWN_REPLICA, "replica " + id + " never registered", g));
            }
        }
        return changed(g.withIsr(c.newIsr()));
    }

    private Transition elect(Command.ElectMaster c) {
        GroupState g = groups.get(c.group());
        if (g == null) {
            return unchanged(Reply.rejected(Outcome.UNKNOWN_GROUP, "no replica of group " + c.group()
                    + " registered", null));
        }
        if (g.masterEpoch() != c.expectedMasterEpoch()) {
            return unchanged(Reply.rejected(Outcome.FENCED_MASTER_EPOCH, "master epoch is " + g.masterEpoch()
                    + ", the election expected " + c.expectedMasterEpoch(), g));
        }
        if (g.masterEpoch() == Integer.MAX_VALUE) {
            return unchanged(Reply.rejected(Outcome.INVALID, "master epoch exhausted", g));
        }
        if (!g.replicas().containsKey(c.candidateId())) {
            return unchanged(Reply.rejected(Outcome.UNKNOWN_REPLICA, "replica " + c.candidateId()
                    + " never registered", g));
        }
        if (!c.unclean() && !g.isr().contains(c.candidateId())) {
            return unchanged(Reply.rejected(Outcome.CANDIDATE_NOT_IN_SYNC, "replica " + c.candidateId()
                    + " is not in the in-sync set " + g.isr() + "; only an unclean election may choose it", g));
        }
        SortedSet<Integer> isr = new TreeSet<>(c.unclean() ? java.util.Set.of() : g.isr());
        if (g.hasMaster() && g.masterId() != c.candidateId()) {
            isr.remove(g.masterId()); // the old master rejoins through AlterIsr once it caught up with the new one
        }
        isr.add(c.candidateId());
        return changed(g.withMaster(c.candidateId(), g.masterEpoch() + 1).withIsr(isr));
    }

    private Transition setNamesrvChain(Command.SetNamesrvChain c) {
        if (namesrvChain.epoch() != c.expectedEpoch()) {
            return unchanged(Reply.rejected(Outcome.FENCED_CHAIN_EPOCH, "the NameServer chain is at epoch "
                    + namesrvChain.epoch() + " " + namesrvChain.chain() + ", the change expected epoch "
                    + c.expectedEpoch(), null));
        }
        if (c.newEpoch() <= namesrvChain.epoch()) {
            return unchanged(Reply.rejected(Outcome.INVALID, "a NameServer chain change needs an epoch above "
                    + namesrvChain.epoch() + ", got " + c.newEpoch(), null));
        }
        if (c.chain().isEmpty() || c.chain().size() > MAX_NAMESRV_CHAIN
                || new java.util.HashSet<>(c.chain()).size() != c.chain().size()
                || c.chain().stream().anyMatch(m -> m.isEmpty() || m.length() > MAX_GROUP_NAME_CHARS)) {
            return unchanged(Reply.rejected(Outcome.INVALID, "a NameServer chain is 1.." + MAX_NAMESRV_CHAIN
                    + " distinct non-empty addresses, got " + c.chain(), null));
        }
        NamesrvChain next = new NamesrvChain(c.newEpoch(), c.chain());
        return new Transition(new ControllerState(groups, next), new Reply(Outcome.ACCEPTED, "", null));
    }

    private static boolean validGroupName(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_GROUP_NAME_CHARS;
    }

    private Transition unchanged(Reply reply) {
        return new Transition(this, reply);
    }

    private Transition changed(GroupState g) {
        TreeMap<String, GroupState> next = new TreeMap<>(groups);
        next.put(g.group(), g);
        return new Transition(new ControllerState(next, namesrvChain), Reply.accepted(g));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControllerState other && groups.equals(other.groups)
                && namesrvChain.equals(other.namesrvChain);
    }

    @Override
    public int hashCode() {
        return groups.hashCode() * 31 + namesrvChain.hashCode();
    }

    @Override
    public String toString() {
        return "ControllerState" + groups + (namesrvChain.epoch() == 0 ? "" : " " + namesrvChain);
    }
}
