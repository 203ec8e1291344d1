package io.tidemq.controller.election;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The controller leader's election duty, one {@link #scan} at a time (called every {@code scanIntervalMs} by
 * one thread; leadership changes arrive from Ratis threads through volatile fields).
 *
 * <ul>
 *   <li>Elects only while this peer leads, and only once it has led for one master lease: a master granted a lease
 *       by the previous leader may still be writing, and this peer's liveness table needs that long to fill.</li>
 *   <li>Elects when a group has no master (a restarted master stopped being one when it registered again) or its
 *       master's lease lapsed: no heartbeat of its registered incarnation for {@code leaseNanos} plus a 10 %
 *       margin. A closed connection alone elects nobody.</li>
 *   <li>Chooses the alive in-sync replica with the longest log ({@link CandidateChooser}); with none alive it elects
 *       nobody (the group waits, and says so once) until an operator forces an unclean election.</li>
 *   <li>A group that never had a master (epoch 0, empty in-sync set) gets its first master from every alive
 *       registered replica once the first lease after its registration passed, so all replicas could register.</li>
 * </ul>
 */
public final class ElectionScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ElectionScanner.class);

    private final Proposer proposer;
    private final LivenessTable liveness;
    private final CandidateChooser chooser;
    private final LongSupplier nanoClock;
    private final long leaseNanos;
    private final long masterExpiryNanos;
    /** Start of this peer's leadership (nanoClock), or null while it does not lead. */
    private volatile Long leaderSinceNanos;
    /** Groups already reported as stuck without an in-sync replica alive, by "group@epoch"; scanner thread only. */
    private final Set<String> reportedStuck = new HashSet<>();
    /** When this scanner first saw each group without any master yet (nanoClock); scanner thread only. */
    private final Map<String, Long> firstSeenNanos = new HashMap<>();

    public ElectionScanner(Proposer proposer, LivenessTable liveness, long leaseNanos, LongSupplier nanoClock) {
        this.proposer = proposer;
        this.liveness = liveness;
        this.leaseNanos = leaseNanos;
        this.masterExpiryNanos = leaseNanos + leaseNanos / 10;
        this.chooser = new CandidateChooser(leaseNanos);
        this.nanoClock = nanoClock;
    }

    public void onLeader() {
        leaderSinceNanos = nanoClock.getAsLong();
    }

    public void onNotLeader() {
        leaderSinceNanos = null;
    }

    public boolean leading() {
        return leaderSinceNanos != null;
    }

    /** Runs one pass; returns the elections it proposed (accepted or not) for the log and tests. */
    public List<Command.ElectMaster> scan() {
        Long since = leaderSinceNanos;
        long now = nanoClock.getAsLong();
        List<Command.ElectMaster> proposed = new ArrayList<>();
        if (since == null || now - since < leaseNanos) {
            return proposed;
        }
        for (GroupState g : proposer.state().groups().values()) {
            electionFor(g, now).ifPresent(command -> {
                proposed.add(command);
                propose(command);
            });
        }
        return proposed;
    }

    /** The election the group needs now, if any. */
    Optional<Command.ElectMaster> electionFor(GroupState g, long now) {
        if (g.hasMaster() && !masterExpired(g, now)) {
            return Optional.empty();
        }
        boolean bootstrap = g.masterEpoch() == 0 && g.isr().isEmpty();
        if (bootstrap && now - firstSeenNanos.computeIfAbsent(g.group(), k -> now) < leaseNanos) {
            return Optional.empty(); // let every replica of a new group register and report its log first
        }
        Optional<Integer> candidate = chooser.choose(g, liveness, now, bootstrap);
        if (candidate.isEmpty()) {
            if (reportedStuck.add(g.group() + "@" + g.masterEpoch())) {
                LOG.warn("group {} has no live master and no in-sync replica of {} alive: nobody elected; bring one back, or "
                        + "force an unclean election (admin elect --unclean) and accept losing what only the others "
                        + "held", g.group(), g.isr());
            }
            return Optional.empty();
        }
        return Optional.of(new Command.ElectMaster(g.group(), g.masterEpoch(), candidate.get(), bootstrap));
    }

    private boolean masterExpired(GroupState g, long now) {
        Heartbeat hb = liveness.latest(g.group(), g.masterId());
        long heardAt = hb != null && hb.incarnation() == g.master().incarnation()
                ? hb.receivedAtNanos() : Long.MIN_VALUE;
        // Never expire a master sooner than one lease after this peer started leading (it may not have heard it yet).
        long lastSign = Math.max(heardAt, leaderSinceNanos == null ? Long.MIN_VALUE : leaderSinceNanos);
        return now - lastSign > masterExpiryNanos;
    }

    /**
     * An operator's election: {@code candidateId} (or the best alive one when negative); with {@code unclean} any
     * alive registered replica may be chosen.
     */
    public Reply forceElect(String group, int candidateId, boolean unclean) throws ControllerUnavailableException {
        GroupState g = proposer.state().group(group);
        if (g == null) {
            throw new IllegalArgumentException("no replica of group " + group + " registered");
        }
        int candidate = candidateId;
        if (candidate < 0) {
            candidate = chooser.choose(g, liveness, nanoClock.getAsLong(), unclean).orElseThrow(() ->
                    new IllegalStateException("no " + (unclean ? "" : "in-sync ") + "replica of group " + group
                            + " is alive" + (unclean ? "" : "; --unclean would consider every registered replica")));
        }
        return proposer.propose(new Command.ElectMaster(group, g.masterEpoch(), candidate, unclean));
    }

    private void propose(Command.ElectMaster command) {
        try {
            Reply reply = proposer.propose(command);
            if (reply.accepted()) {
                LOG.warn("group {}: elected replica {} master in epoch {}{}", command.group(), command.candidateId(),
                        reply.group().masterEpoch(), command.unclean() ? " (first master of the group)" : "");
            } else {
                LOG.info("group {}: election of {} not applied: {}", command.group(), command.candidateId(),
                        reply.detail());
            }
        } catch (ControllerUnavailableException e) {
            LOG.warn("group {}: election of {} not replicated: {}", command.group(), command.candidateId(),
                    e.getMessage());
        }
    }
}
