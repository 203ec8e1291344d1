package io.tidemq.controller.ratis;

import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.ExitUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * One controller peer: a Ratis server running {@link ControllerStateMachine}. Owned by the thread that starts
 * and closes it (the NameServer's or the standalone controller's main thread).
 */
public final class ControllerRaftServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerRaftServer.class);
    /** Every TideMQ controller quorum is one Ratis group with this fixed id (Ratis requires a UUID). */
    public static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("tidemq-controller".getBytes(StandardCharsets.UTF_8)));

    static {
        // Ratis answers some failures (e.g. a gRPC bind failure) with System.exit unless this is off; the
        // embedding NameServer must never be killed by a library.
        ExitUtils.disableSystemExit();
    }

    private final ControllerRaftConfig config;
    private final ControllerStateMachine stateMachine;
    private final RaftServer server;

    private ControllerRaftServer(ControllerRaftConfig config, ControllerStateMachine stateMachine, RaftServer server) {
        this.config = config;
        this.stateMachine = stateMachine;
        this.server = server;
    }

    public static RaftGroup raftGroup(List<ControllerPeer> peers) {
        return RaftGroup.valueOf(GROUP_ID, peers.stream()
                .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build())
                .toList());
    }

    /**
     * Builds and starts the peer. Its storage directory is created (formatted) on the first start and recovered on
     * later ones.
     *
     * @throws ControllerStartException when the port cannot be bound or the storage cannot be opened, with what to do
     */
    public static ControllerRaftServer start(ControllerRaftConfig config, LeadershipListener leadership) {
        ControllerStateMachine stateMachine = new ControllerStateMachine(leadership);
        RaftServer server;
        try {
            server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(config.selfId()))
                    .setGroup(raftGroup(config.peers()))
                    .setProperties(config.toRaftProperties())
                    .setStateMachine(stateMachine)
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new ControllerStartException("controller peer " + config.selfId() + " cannot open its storage "
                    + config.storageDir() + ": " + e.getMessage()
                    + " (another process may hold its in_use.lock; stop it, or fix the directory's permissions)", e);
        }
        try {
            server.start();
        } catch (IOException | RuntimeException e) { // ExitUtils.ExitException is a RuntimeException
            closeQuietly(server);
            throw new ControllerStartException("controller peer " + config.selfId() + " cannot start on "
                    + config.self().address() + ": " + e.getMessage()
                    + " (is the port in use? set another port for this peer in controllerPeers)", e);
        }
        LOG.info("controller peer {} started on {} with storage {}", config.selfId(), config.self().address(),
                config.storageDir());
        return new ControllerRaftServer(config, stateMachine, server);
    }

    public ControllerStateMachine stateMachine() {
        return stateMachine;
    }

    public ControllerRaftConfig config() {
        return config;
    }

    /** The Ratis term this peer is in (0 when it cannot tell). */
    public long currentTerm() {
        try {
            return server.getDivision(GROUP_ID).getInfo().getCurrentTerm();
        } catch (IOException e) {
            return 0;
        }
    }

    public boolean isLeader() {
        try {
            return server.getDivision(GROUP_ID).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /** The id of the peer this one believes leads, or null when it knows none. */
    public String leaderId() {
        try {
            RaftPeerId leader = server.getDivision(GROUP_ID).getInfo().getLeaderId();
            return leader == null ? null : leader.toString();
        } catch (IOException e) {
            return null;
        }
    }

    public long lastAppliedIndex() {
        try {
            return server.getDivision(GROUP_ID).getInfo().getLastAppliedIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Index of the latest snapshot on disk, or -1. */
    public long latestSnapshotIndex() {
        var snapshot = stateMachine.getLatestSnapshot();
        return snapshot == null ? -1 : snapshot.getIndex();
    }

    /** First index still in the Ratis log (grows as the log is purged up to snapshots). */
    public long logStartIndex() {
        try {
            return server.getDivision(GROUP_ID).getRaftLog().getStartIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        LOG.info("controller peer {} stopped", config.selfId());
    }

    private static void closeQuietly(RaftServer server) {
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing the controller's Ratis server failed", e);
        }
    }
}
