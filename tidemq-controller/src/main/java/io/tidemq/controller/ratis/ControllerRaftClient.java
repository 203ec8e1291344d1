package io.tidemq.controller.ratis;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.codec.ControllerCodec;
import io.tidemq.controller.codec.MalformedControllerMessageException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.Reply;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Proposes commands to the controller quorum and reads its state, through Ratis's client (which finds the leader
 * and retries a bounded number of times; Ratis's default would retry forever). Thread-safe (RaftClient is).
 */
public final class ControllerRaftClient implements AutoCloseable {
    /** Rejected when applied (no broker group has this name): commits, changes nothing. */
    private static final Command LEADERSHIP_PROBE = new Command.AlterIsr("-tidemq-leadership-probe-", 0, 0, 0,
            new TreeSet<>(List.of(0)));
    private final RaftClient client;

    /**
     * @param attempts   tries per call before {@link ControllerUnavailableException}
     * @param retrySleepMs pause between tries
     */
    public ControllerRaftClient(List<ControllerPeer> peers, int attempts, long retrySleepMs) {
        this(peers, attempts, retrySleepMs, null);
    }

    /** @param leaderId the peer to send to first (a leadership probe's own peer), or null for any */
    public ControllerRaftClient(List<ControllerPeer> peers, int attempts, long retrySleepMs, String leaderId) {
        RaftClient.Builder builder = RaftClient.newBuilder()
                .setProperties(new RaftProperties())
                .setRaftGroup(ControllerRaftServer.raftGroup(peers));
        if (leaderId != null) {
            builder.setLeaderId(RaftPeerId.valueOf(leaderId));
        }
        this.client = builder
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts,
                        TimeDuration.valueOf(retrySleepMs, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** Replicates {@code command} and returns how it was applied (accepted or rejected with the current state). */
    public Reply submit(Command command) throws ControllerUnavailableException {
        RaftClientReply reply = call("submit", () -> client.io().send(message(ControllerCodec.encodeCommand(command))));
        return decodeReply(reply);
    }

    /** Every group, as applied by the leader when it answers (linearizable: a read through the leader). */
    public ControllerState readAll() throws ControllerUnavailableException {
        RaftClientReply reply = call("read",
                () -> client.io().sendReadOnly(message(ControllerCodec.encodeQuery(new ControllerCodec.Query(null)))));
        try {
            return ControllerCodec.decodeState(reply.getMessage().getContent().toByteArray());
        } catch (MalformedControllerMessageException e) {
            throw new ControllerUnavailableException("controller answered something unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * A leadership probe: a command that changes nothing (an in-sync set change for a group no broker uses,
     * rejected when applied) proposed to {@code self}. It completes true only when {@code self} itself answered that it
     * committed it: appended in its term and acknowledged by a majority after this call, so no other peer can have
     * been elected leader before this call. A read is no proof: Ratis answers a linearizable read at once when
     * nothing was committed since its last heartbeat round, even on a leader a majority no longer follows.
     */
    public boolean probeLeadership(String self) {
        try {
            RaftClientReply reply = client.io().send(message(ControllerCodec.encodeCommand(LEADERSHIP_PROBE)));
            return reply.isSuccess() && reply.getServerId().toString().equals(self);
        } catch (IOException | RuntimeException e) {
            return false; // not the leader (any more), or no majority in time: no confirmation
        }
    }

    private interface Call {
        RaftClientReply run() throws IOException;
    }

    private static RaftClientReply call(String what, Call call) throws ControllerUnavailableException {
        RaftClientReply reply;
        try {
            reply = call.run();
        } catch (IOException | RuntimeException e) {
            throw new ControllerUnavailableException("controller quorum did not answer the " + what + " ("
                    + e.getMessage() + "); check that a majority of controller peers runs", e);
        }
        if (!reply.isSuccess()) {
            throw new ControllerUnavailableException("controller refused the " + what + ": " + reply.getException(),
                    reply.getException());
        }
        return reply;
    }

    private static Reply decodeReply(RaftClientReply reply) throws ControllerUnavailableException {
        try {
            return ControllerCodec.decodeReply(reply.getMessage().getContent().toByteArray());
        } catch (MalformedControllerMessageException e) {
            throw new ControllerUnavailableException("controller answered something unreadable: " + e.getMessage(), e);
        }
    }

    private static Message message(byte[] bytes) {
        return Message.valueOf(ByteString.copyFrom(bytes));
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
