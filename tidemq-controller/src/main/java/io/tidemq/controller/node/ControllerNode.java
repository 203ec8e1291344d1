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
    private final ElectionScanner scanner;
    private final ServiceThread scanThread;
    /** Set once start() built the Ratis peer; read by the scanner thread and callers. */
    private volatile ControllerRaftServer raft;

    private ControllerNode(ControllerNodeConfig config) {
        this.config = config;
        this.client = new ControllerRaftClient(config.raft().peers(), config.proposeAttempts(), 100);
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
        try {
            client.close();
        } catch (IOException e) {
            LOG.warn("closing the controller client failed", e);
        }
        ControllerRaftServer r = raft;
        if (r != null) {
            r.close();
        }
    }
}
