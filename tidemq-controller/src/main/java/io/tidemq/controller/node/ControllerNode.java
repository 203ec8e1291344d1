package io.tidemq.controller.node;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.election.ElectionScanner;
import io.tidemq.controller.election.Heartbeat;
import io.tidemq.controller.election.LivenessTable;
import io.tidemq.controller.election.Proposer;
import io.tidemq.controller.ratis.ControllerRaftClient;
import io.tidemq.controller.ratis.ControllerRaftConfig;
import io.tidemq.controller.ratis.ControllerRaftServer;
import io.tidemq.controller.ratis.LeadershipListener;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One controller peer with its duties: the Ratis peer, the liveness table its brokers' heartbeats fill, and the
 * election scanner that acts while this peer leads. Started and closed by its owner's main thread; heartbeats and
 * requests may arrive on any thread.
 */
public final class ControllerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerNode.class);

    private final ControllerNodeConfig config;
    private final LivenessTable liveness = new LivenessTable();
    private final ControllerRaftClient client;
    /** Confirms this peer's leadership for lease grants; one try per call (a retry would outlive the answer). */
    private final ControllerRaftClient leadershipProbe;
    private final ServiceThread probeThread;

    /** Leadership probes per {@code masterLeaseMs}. */
    static final int PROBES_PER_LEASE = 5;
    /** The oldest confirmation, in fractions of {@code masterLeaseMs}, a heartbeat answer carries (2 probe periods). */
    static final double MAX_CONFIRMATION_AGE = 2.0 / PROBES_PER_LEASE;

    /**
     * What a heartbeat answer says about this peer's leadership: the Ratis term in which a majority confirmed it and
     * how long before the heartbeat arrived that confirmation's probe started (rounded up to a millisecond).
     */
    public record LeaseConfirmation(long term, long ageMs) {
    }

    /** A leadership a majority confirmed: the probe's start (System.nanoTime) and the term. */
    private record Confirmation(long startedNanos, long term) {
    }

    /** The newest confirmed probe; written by the prober thread, read by request threads. */
    private volatile Confirmation confirmation;
    private final ElectionScanner scanner;
    private final ServiceThread scanThread;
    /** Set once start() built the Ratis peer; read by the scanner thread and callers. */
    private volatile ControllerRaftServer raft;

    private ControllerNode(ControllerNodeConfig config) {
        this.config = config;
        this.client = new ControllerRaftClient(config.raft().peers(), config.proposeAttempts(), 100);
        this.leadershipProbe = new ControllerRaftClient(config.raft().peers(), 0, 0, config.raft().selfId());
        // one probe per fifth of the lease: a confirmation counts up to two probe periods (MAX_CONFIRMATION_AGE), so a
        // leader's answers carry one while its commits take less than a fifth of the lease; brokers shorten the lease
        // they take by the confirmation's age (ReplicaAgent.leaseEnd), so an older one stays safe. Measured: 13.7 log
        // entries/s and ~0.3 CPU-s/s for the three peers with a probe every lease/20 (docs/benchmarks.md)
        this.probeThread = ServiceThread.every("tidemq-controller-lease-probe-" + config.raft().selfId(),
                Math.max(10, config.masterLeaseMs() / PROBES_PER_LEASE), this::probeLeadership,
                e -> LOG.warn("leadership probe failed; the next probe retries", e));
        Proposer proposer = new Proposer() {
            @Override
            public ControllerState state() {
                ControllerRaftServer r = raft;
                return r == null ? ControllerState.EMPTY : r.stateMachine().state();
            }

            @Override
            public Reply propose(Command command) throws ControllerUnavailableException {
                return client.submit(command);
            }
        };
        this.scanner = new ElectionScanner(proposer, liveness, TimeUnit.MILLISECONDS.toNanos(config.masterLeaseMs()),
                System::nanoTime);
        this.scanThread = ServiceThread.every("tidemq-controller-election-" + config.raft().selfId(),
                config.scanIntervalMs(), scanner::scan, e -> LOG.warn("election scan failed; next scan retries", e));
    }

    /** Starts the Ratis peer and the election scanner. */
    public static ControllerNode start(ControllerNodeConfig config) {
        ControllerNode node = new ControllerNode(config);
        node.raft = ControllerRaftServer.start(config.raft(), new LeadershipListener() {
            @Override
            public void onLeaderReady(long term) {
                LOG.info("controller {} leads (term {}); elections start after one master lease ({} ms)",
                        config.raft().selfId(), term, config.masterLeaseMs());
                node.scanner.onLeader();
            }

            @Override
            public void onNotLeader() {
                node.scanner.onNotLeader();
            }
        });
        node.scanThread.start();
        node.probeThread.start();
        return node;
    }

    public ControllerNodeConfig config() {
        return config;
    }

    /** Records a broker's heartbeat (stamped with this peer's clock now). */
    public void heartbeat(String group, int replicaId, long incarnation, int lastEpoch, long maxOffset) {
        liveness.record(new Heartbeat(group, replicaId, incarnation, lastEpoch, maxOffset, System.nanoTime()));
    }

    /** Proposes a command through the quorum (registration, in-sync set change, election). */
    public Reply submit(Command command) throws ControllerUnavailableException {
        return client.submit(command);
    }

    /** An operator's election: the given candidate, or the best alive one when negative. */
    public Reply forceElect(String group, int candidateId, boolean unclean) throws ControllerUnavailableException {
        return scanner.forceElect(group, candidateId, unclean);
    }

    /** The state as applied on this peer (may trail the leader by the entries in flight). */
    public ControllerState localState() {
        return raft.stateMachine().state();
    }

    /** The state as the leader has it (a read through the quorum). */
    public ControllerState readState() throws ControllerUnavailableException {
        return client.readAll();
    }

    /** The Ratis term in which this peer leads, or -1 when it does not lead (NameServer replication's epoch). */
    public long leaderTerm() {
        return raft.isLeader() ? raft.currentTerm() : -1;
    }

    /**
     * Prober thread: while this peer believes it leads, proposes a leadership probe (a command that commits and
     * changes nothing, {@link ControllerRaftClient#probeLeadership}) and waits for it; one committed in this peer's
     * unchanged term is a confirmation dated from its start.
     */
    private void probeLeadership() {
        ControllerRaftServer r = raft;
        if (r == null || !r.isLeader()) {
            return;
        }
        long term = r.currentTerm();
        long startedNanos = System.nanoTime();
        if (leadershipProbe.probeLeadership(config.raft().selfId()) && r.isLeader() && r.currentTerm() == term) {
            confirmation = new Confirmation(startedNanos, term);
        }
    }

    /**
     * This peer's leadership as a majority confirmed it no earlier than {@link #MAX_CONFIRMATION_AGE} of the master
     * lease before {@code arrivedNanos} (when a broker's heartbeat was taken), with the confirmation's age; null when
     * there is none (a follower, a deposed leader that still believes it leads, a new term not confirmed yet). A broker's
     * master lease may be renewed only by such an answer, and ends {@code 0.9 lease - ageMs} (at most 3/4 of a lease)
     * after it sent the heartbeat. Why that is safe: a new leader can only have been elected after the confirmation's
     * probe started (a majority acknowledged this term after that), and it elects another master only a full lease
     * after it leads, so no earlier than {@code probeStart + lease}; the broker's lease ends by
     * {@code sent + 0.9 lease - (arrived - probeStart) <= probeStart + 0.9 lease} as {@code sent <= arrived}: a tenth of
     * the lease is left for scheduling delays. Any thread; does not block.
     */
    public LeaseConfirmation confirmedLeadership(long arrivedNanos) {
        Confirmation c = confirmation;
        ControllerRaftServer r = raft;
        if (c == null || r == null || !r.isLeader() || r.currentTerm() != c.term()) {
            return null;
        }
        long ageNanos = Math.max(0, arrivedNanos - c.startedNanos());
        long maxAgeNanos = (long) (TimeUnit.MILLISECONDS.toNanos(config.masterLeaseMs()) * MAX_CONFIRMATION_AGE);
        if (ageNanos > maxAgeNanos) {
            return null;
        }
        return new LeaseConfirmation(c.term(), (ageNanos + 999_999) / 1_000_000);
    }

    /** The Raft term this peer is in, leader or not. */
    public long currentTerm() {
        return raft.currentTerm();
    }

    public boolean isLeader() {
        return raft.isLeader();
    }

    public String leaderId() {
        return raft.leaderId();
    }

    @Override
    public void close() {
        scanThread.shutdown(5000);
        probeThread.shutdown(5000);
        try {
            client.close();
            leadershipProbe.close();
        } catch (IOException e) {
            LOG.warn("closing the controller client failed", e);
        }
        ControllerRaftServer r = raft;
        if (r != null) {
            r.close();
        }
    }
}
