package io.tidemq.controller.client;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.codec.ControllerCodec;
import io.tidemq.controller.codec.MalformedControllerMessageException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.Reply;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Calls controller peers over the TideMQ protocol (brokers and {@code tidemq admin}). Thread-safe; one connection
 * per peer address, shared.
 */
public final class ControllerServiceClient implements AutoCloseable {
    private final NettyRemotingClient client;
    private final long timeoutMs;

    public ControllerServiceClient(long timeoutMs) {
        this.timeoutMs = timeoutMs;
        this.client = new NettyRemotingClient(NettyClientConfig.defaults());
        client.start();
    }

    /** What one peer answered to CONTROLLER_GET_STATE. */
    public record StateView(String controllerId, String leaderId, String peers, ControllerState state) {
    }

    public Reply register(String address, Command.RegisterReplica command) throws ControllerUnavailableException {
        return reply(call(address, RemotingCommand.createRequest(RequestCode.CONTROLLER_REGISTER)
                .setBody(ControllerCodec.encodeCommand(command))));
    }

    public Reply alterIsr(String address, Command.AlterIsr command) throws ControllerUnavailableException {
        return reply(call(address, RemotingCommand.createRequest(RequestCode.CONTROLLER_ALTER_ISR)
                .setBody(ControllerCodec.encodeCommand(command))));
    }

    /** Reports liveness to one peer; returns the group as that peer applied it. */
    public Reply heartbeat(String address, String group, int replicaId, long incarnation, int lastEpoch,
                           long maxOffset) throws ControllerUnavailableException {
        return heartbeatAnswer(address, group, replicaId, incarnation, lastEpoch, maxOffset).reply();
    }

    /**
     * A heartbeat's answer: the group as the peer applied it, whether that peer believes it is the quorum's leader
     * (the one that elects), the controller's {@code masterLeaseMs} (0 from a peer that does not say), and
     * {@code leaseTerm}: the Ratis term in which the peer leads as a majority confirmed after the heartbeat arrived,
     * -1 when it did not (a follower, or a deposed leader that has not noticed yet), and {@code leaseAgeMs}: how
     * long before the heartbeat arrived that confirmation started ({@link #UNKNOWN_LEASE_AGE} from a controller that
     * does not say: it confirms at most 15 % of a lease before). Only an answer with a lease term may renew a
     * master's lease.
     */
    public record HeartbeatAnswer(Reply reply, boolean fromLeader, long masterLeaseMs, long leaseTerm,
                                  long leaseAgeMs) {
    }

    /** {@link HeartbeatAnswer#leaseAgeMs()} of an answer without {@code leaseAgeMs}. */
    public static final long UNKNOWN_LEASE_AGE = -1;

    /** {@link #heartbeat}, with who answered and the master lease. */
    public HeartbeatAnswer heartbeatAnswer(String address, String group, int replicaId, long incarnation,
                                           int lastEpoch, long maxOffset) throws ControllerUnavailableException {
        RemotingCommand request = heartbeatRequest(group, replicaId, incarnation, lastEpoch, maxOffset);
        return heartbeatAnswer(call(address, request));
    }

    /**
     * {@link #heartbeatAnswer} without waiting: completes with the answer, or exceptionally with a
     * {@link ControllerUnavailableException} when the peer did not answer within {@code timeoutMs} (completed on a
     * network thread: hand the answer to another thread before doing anything slow with it).
     */
    public CompletableFuture<HeartbeatAnswer> heartbeatAnswerAsync(String address, String group, int replicaId,
                                                                   long incarnation, int lastEpoch, long maxOffset,
                                                                   long timeoutMs) {
        RemotingCommand request = heartbeatRequest(group, replicaId, incarnation, lastEpoch, maxOffset);
        return client.invokeAsync(address, request, timeoutMs).handle((response, failure) -> {
            if (failure != null) {
                throw new CompletionException(new ControllerUnavailableException("controller " + address
                        + " did not answer " + RequestCode.describe(request.code()) + " within " + timeoutMs + " ms: "
                        + failure.getMessage(), failure));
            }
            try {
                return heartbeatAnswer(check(address, request, response));
            } catch (ControllerUnavailableException e) {
                throw new CompletionException(e);
            }
        });
    }

    private static RemotingCommand heartbeatRequest(String group, int replicaId, long incarnation, int lastEpoch,
                                                    long maxOffset) {
        return RemotingCommand.createRequest(RequestCode.CONTROLLER_HEARTBEAT)
                .putField("group", group).putField("replicaId", replicaId).putField("incarnation", incarnation)
                .putField("lastEpoch", lastEpoch).putField("maxOffset", maxOffset);
    }

    private static HeartbeatAnswer heartbeatAnswer(RemotingCommand response) throws ControllerUnavailableException {
        String id = response.field("controllerId");
        boolean fromLeader = id != null && !id.isEmpty() && id.equals(response.field("leaderId"));
        String lease = response.field("masterLeaseMs");
        long leaseMs;
        try {
            leaseMs = lease == null ? 0 : Long.parseLong(lease);
        } catch (NumberFormatException e) {
            leaseMs = 0;
        }
        String term = response.field("leaseTerm");
        long leaseTerm;
        try {
            leaseTerm = term == null ? -1 : Long.parseLong(term);
        } catch (NumberFormatException e) {
            leaseTerm = -1;
        }
        String age = response.field("leaseAgeMs");
        long leaseAgeMs;
        try {
            leaseAgeMs = age == null ? UNKNOWN_LEASE_AGE : Math.max(0, Long.parseLong(age));
        } catch (NumberFormatException e) {
            leaseAgeMs = UNKNOWN_LEASE_AGE;
        }
        return new HeartbeatAnswer(reply(response), fromLeader, leaseMs, leaseTerm, leaseAgeMs);
    }

    public StateView state(String address) throws ControllerUnavailableException {
        RemotingCommand response = call(address, RemotingCommand.createRequest(RequestCode.CONTROLLER_GET_STATE));
        try {
            return new StateView(response.field("controllerId"), response.field("leaderId"), response.field("peers"),
                    ControllerCodec.decodeState(response.body()));
        } catch (MalformedControllerMessageException e) {
            throw new ControllerUnavailableException("controller " + address + " answered an unreadable state", e);
        }
    }

    /** Forces an election; {@code candidateId} -1 = the best alive replica. */
    public Reply elect(String address, String group, int candidateId, boolean unclean)
            throws ControllerUnavailableException {
        return reply(call(address, RemotingCommand.createRequest(RequestCode.CONTROLLER_ELECT)
                .putField("group", group).putField("candidateId", candidateId).putField("unclean", unclean)));
    }

    private RemotingCommand call(String address, RemotingCommand request) throws ControllerUnavailableException {
        RemotingCommand response;
        try {
            response = client.invokeSync(address, request, timeoutMs);
        } catch (RemotingException e) {
            throw new ControllerUnavailableException("controller " + address + " did not answer "
                    + RequestCode.describe(request.code()) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControllerUnavailableException("interrupted while calling controller " + address, e);
        }
        return check(address, request, response);
    }

    private static RemotingCommand check(String address, RemotingCommand request, RemotingCommand response)
            throws ControllerUnavailableException {
        if (response.code() == ResponseCode.INVALID_PARAMETER.code()) {
            throw new IllegalArgumentException("controller " + address + " refused "
                    + RequestCode.describe(request.code()) + ": " + response.remark());
        }
        if (response.code() != ResponseCode.SUCCESS.code()) {
            throw new ControllerUnavailableException("controller " + address + " answered "
                    + ResponseCode.describe(response.code()) + " to " + RequestCode.describe(request.code()) + ": "
                    + response.remark(), null);
        }
        return response;
    }

    private static Reply reply(RemotingCommand response) throws ControllerUnavailableException {
        try {
            return ControllerCodec.decodeReply(response.body());
        } catch (MalformedControllerMessageException e) {
            throw new ControllerUnavailableException("controller answered an unreadable reply", e);
        }
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
