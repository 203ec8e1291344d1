package io.tidemq.controller.service;

import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.codec.ControllerCodec;
import io.tidemq.controller.codec.MalformedControllerMessageException;
import io.tidemq.controller.node.ControllerNode;
import io.tidemq.controller.ratis.ControllerPeer;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.Outcome;
import io.tidemq.controller.state.Reply;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.http.MetricsHttpServer;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A controller peer reachable over the TideMQ protocol: its {@link ControllerNode} plus a server on
 * {@code controllerListenPort} answering the controller request codes (300–309, docs/protocol.md). Requests that
 * go through the quorum block on it, so they run on the {@code tidemq-controller-requests} pool, never on an I/O
 * thread. Started and closed by its owner's main thread.
 */
public final class ControllerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

    private final ControllerConfig config;
    private final ControllerNode node;
    private final NettyRemotingServer server;
    private final ExecutorService requests;
    private final ControllerPrometheus prometheus;
    /** {@code /metrics}, or null when {@code metricsPort} is -1; set once by {@link #start}, then read-only. */
    private volatile MetricsHttpServer metricsServer;

    private ControllerServer(ControllerConfig config, ControllerNode node) {
        this.config = config;
        this.node = node;
        this.prometheus = new ControllerPrometheus(node);
        this.server = new NettyRemotingServer(NettyServerConfig.builder()
                .bindAddress(config.bindAddress()).listenPort(config.controllerListenPort()).build());
        this.requests = new ThreadPoolExecutor(4, 4, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(10_000),
                NamedThreadFactory.pool("tidemq-controller-requests", true));
        server.registerProcessor(RequestCode.CONTROLLER_REGISTER,
                SyncRequestProcessor.of((ch, req) -> submit(req, Command.RegisterReplica.class)), requests);
        server.registerProcessor(RequestCode.CONTROLLER_ALTER_ISR,
                SyncRequestProcessor.of((ch, req) -> submit(req, Command.AlterIsr.class)), requests);
        server.registerProcessor(RequestCode.CONTROLLER_HEARTBEAT, SyncRequestProcessor.of(this::heartbeat), requests);
        server.registerProcessor(RequestCode.CONTROLLER_GET_STATE, SyncRequestProcessor.of(this::getState), requests);
        server.registerProcessor(RequestCode.CONTROLLER_ELECT, SyncRequestProcessor.of(this::elect), requests);
    }

    /** Starts the Ratis peer, its election duty and the request server. */
    public static ControllerServer start(ControllerConfig config) {
        ControllerNode node = ControllerNode.start(config.toNodeConfig());
        ControllerServer s = new ControllerServer(config, node);
        try {
            s.server.start();
            if (config.metricsPort() >= 0) {
                s.metricsServer = MetricsHttpServer.start(config.bindAddress(), config.metricsPort(),
                        List.of(s.prometheus::scrape));
                LOG.info("controller {} serves Prometheus metrics at http://{}:{}/metrics", config.controllerId(),
                        config.bindAddress(), s.metricsServer.port());
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.info("controller {} serves requests on {}:{}", config.controllerId(), config.bindAddress(),
                s.server.localPort());
        return s;
    }

    public int listenPort() {
        return server.localPort();
    }

    /** The port of {@code /metrics}, or -1 when this peer serves none. */
    public int metricsPort() {
        MetricsHttpServer m = metricsServer;
        return m == null ? -1 : m.port();
    }

    /** This peer's Prometheus meters; {@link ControllerPrometheus#scrape()} is what {@code /metrics} serves. */
    public ControllerPrometheus prometheus() {
        return prometheus;
    }

    public ControllerNode node() {
        return node;
    }

    public ControllerConfig config() {
        return config;
    }

    private RemotingCommand submit(RemotingCommand request, Class<? extends Command> kind) {
        Command command;
        try {
            command = ControllerCodec.decodeCommand(request.body() == null ? new byte[0] : request.body());
        } catch (MalformedControllerMessageException e) {
            return RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        if (!kind.isInstance(command)) {
            return RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, "request code "
                    + RequestCode.describe(request.code()) + " carries a " + kind.getSimpleName() + ", not a "
                    + command.getClass().getSimpleName());
        }
        try {
            return ok(ControllerCodec.encodeReply(node.submit(command)));
        } catch (ControllerUnavailableException e) {
            return RemotingCommand.createResponse(ResponseCode.SERVICE_NOT_AVAILABLE, e.getMessage());
        }
    }

    private RemotingCommand heartbeat(RemotingChannel channel, RemotingCommand request) {
        long arrivedNanos = System.nanoTime();
        String group = request.requiredField("group");
        node.heartbeat(group, request.fieldAsInt("replicaId"), request.fieldAsLong("incarnation"),
                request.fieldAsInt("lastEpoch"), request.fieldAsLong("maxOffset"));
        GroupState g = node.localState().group(group);
        Reply view = g == null
                ? new Reply(Outcome.UNKNOWN_GROUP, "no replica of group " + group + " registered", null)
                : new Reply(Outcome.ACCEPTED, "", g);
        // the peer's id and leader (identify) and the lease: a master renews its write lease only with answers that
        // carry leaseTerm, the term in which this peer leads as a majority confirmed shortly before it arrived, and
        // leaseAgeMs, how long before (the broker shortens its lease by it); a deposed leader that still believes it
        // leads gets no confirmation, so its answers renew nothing
        RemotingCommand response = identify(ok(ControllerCodec.encodeReply(view)))
                .putField("masterLeaseMs", config.masterLeaseMs());
        ControllerNode.LeaseConfirmation confirmed = node.confirmedLeadership(arrivedNanos);
        return confirmed == null ? response
                : response.putField("leaseTerm", confirmed.term()).putField("leaseAgeMs", confirmed.ageMs());
    }

    private RemotingCommand getState(RemotingChannel channel, RemotingCommand request) {
        try {
            return identify(ok(ControllerCodec.encodeState(node.readState())))
                    .putField("peers", node.config().raft().peers().stream()
                            .map(p -> p.id() + "@" + p.address()).collect(Collectors.joining(",")));
        } catch (ControllerUnavailableException e) {
            return RemotingCommand.createResponse(ResponseCode.SERVICE_NOT_AVAILABLE, e.getMessage());
        }
    }

    private RemotingCommand elect(RemotingChannel channel, RemotingCommand request) {
        try {
            Reply reply = node.forceElect(request.requiredField("group"), request.fieldAsInt("candidateId", -1),
                    request.fieldAsBoolean("unclean", false));
            return ok(ControllerCodec.encodeReply(reply));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, e.getMessage());
        } catch (ControllerUnavailableException e) {
            return RemotingCommand.createResponse(ResponseCode.SERVICE_NOT_AVAILABLE, e.getMessage());
        }
    }

    private RemotingCommand identify(RemotingCommand response) {
        String leader = node.leaderId();
        return response.putField("controllerId", config.controllerId()).putField("leaderId", leader == null ? "" : leader);
    }

    private static RemotingCommand ok(byte[] body) {
        return RemotingCommand.createResponse(ResponseCode.SUCCESS, null).setBody(body);
    }

    /** The peer's own Ratis endpoint (for logs and the admin view). */
    public ControllerPeer self() {
        return node.config().raft().self();
    }

    @Override
    public void close() {
        MetricsHttpServer m = metricsServer;
        if (m != null) {
            m.close();
        }
        server.shutdown();
        requests.shutdownNow();
        node.close();
    }
}
