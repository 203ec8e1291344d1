package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.remoting.exception.RemotingConnectException;
import io.tidemq.remoting.exception.RemotingConnectionClosedException;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends requests and correlates responses by opaque id. A request's future completes exactly once: with
 * its response, or exceptionally on timeout (a {@link HashedWheelTimer}, 10 ms ticks by default), on a failed
 * connect or write, or at once when its connection closes.
 */
final class RequestInvoker {

    private static final Logger log = LoggerFactory.getLogger(RequestInvoker.class);

    /** Calls awaiting a response, by opaque id; any thread adds, whoever completes a call removes it. */
    private final ConcurrentHashMap<Integer, PendingCall<?>> pending = new ConcurrentHashMap<>(1024);
    private final AtomicInteger nextOpaque = new AtomicInteger();
    private final HashedWheelTimer timer;

    RequestInvoker(String role, int timeoutTickMs) {
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("tidemq-remoting-" + role + "-timer", true),
                timeoutTickMs, TimeUnit.MILLISECONDS, 512);
    }

    /**
     * Sends {@code request} on the channel of {@code connect} once it is connected. The timeout starts now,
     * so it covers connecting too. The future completes with what {@code reader} makes of the response and its body
     * ({@link PendingCall#COPY_BODY}: the response with its body copied into it).
     */
    <T> CompletableFuture<T> invoke(ChannelFuture connect, String address, RemotingCommand request, long timeoutMs,
                                    PendingCall.Reader<T> reader) {
        requirePositive(timeoutMs);
        int opaque = nextOpaque.incrementAndGet();
        PendingCall<T> call = new PendingCall<>(this, opaque, request.code(), address, timeoutMs, connect.channel(),
                reader);
        pending.put(opaque, call);
        try {
            call.timeout(timer.newTimeout(call, timeoutMs, TimeUnit.MILLISECONDS));
        } catch (IllegalStateException timerStopped) {
            call.fail(new RemotingException("the remoting service is shutting down; request "
                    + RequestCode.describe(request.code()) + " to " + address + " was not sent"));
            return call.future;
        }
        OutboundFrame frame = new OutboundFrame(request, opaque, 0);
        if (connect.isDone()) {
            send(connect, call, frame);
        } else {
            connect.addListener((ChannelFuture f) -> send(f, call, frame));
        }
        return call.future;
    }

    private void send(ChannelFuture connect, PendingCall<?> call, OutboundFrame frame) {
        if (!connect.isSuccess()) {
            call.fail(new RemotingConnectException(call.address, connect.cause()));
            return;
        }
        Channel channel = connect.channel();
        channel.writeAndFlush(frame).addListener(call);
        // a close that ran before the call was registered would have missed it; the write then fails too,
        // but only once the event loop gets to it, so fail now
        if (!channel.isActive()) {
            call.fail(closedBeforeResponse(call));
        }
    }

    /** Sends a request that expects no response; completes when written. */
    CompletableFuture<Void> invokeOneway(ChannelFuture connect, String address, RemotingCommand request) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        OutboundFrame frame = new OutboundFrame(request, nextOpaque.incrementAndGet(), FrameLayout.FLAG_ONEWAY);
        Runnable write = () -> {
            if (!connect.isSuccess()) {
                written.completeExceptionally(new RemotingConnectException(address, connect.cause()));
                return;
            }
            connect.channel().writeAndFlush(frame).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(PendingCall.sendFailure(address, request.code(), f.cause()));
                }
            });
        };
        if (connect.isDone()) {
            write.run();
        } else {
            connect.addListener(f -> write.run());
        }
        return written;
    }

    /**
     * A response arrived on {@code channel}; {@code body} is its body as it lies in the frame (possibly empty). The
     * caller releases {@code body} when this returns: the call's reader has read what it keeps by then.
     */
    void onResponse(Channel channel, RemotingCommand response, ByteBuf body) {
        PendingCall<?> call = pending.get(response.opaque());
        if (call == null || call.channel != channel) {
            log.debug("discarding response {} from {}: no request waits for it (timed out or failed earlier)",
                    response, NettyRemotingChannel.format(channel.remoteAddress()));
            return;
        }
        call.complete(response, body);
    }

    /** {@code channel} closed: fail its calls now rather than at their timeouts. */
    void failPending(Channel channel) {
        for (PendingCall<?> call : pending.values()) {
            if (call.channel == channel) {
                call.fail(closedBeforeResponse(call));
            }
        }
    }

    private static RemotingConnectionClosedException closedBeforeResponse(PendingCall<?> call) {
        return new RemotingConnectionClosedException("connection to " + call.address + " closed before the response to "
                + RequestCode.describe(call.requestCode) + " (opaque " + call.opaque
                + ") arrived; the request may or may not have been executed");
    }

    boolean remove(PendingCall<?> call) {
        return pending.remove(call.opaque, call);
    }

    int pendingCount() {
        return pending.size();
    }

    /** Fails every pending call and stops the timer thread. */
    void shutdown() {
        for (PendingCall<?> call : pending.values()) {
            call.fail(new RemotingException("the remoting service was shut down before the response to "
                    + RequestCode.describe(call.requestCode) + " from " + call.address + " arrived"));
        }
        timer.stop();
    }

    static void requirePositive(long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be positive, got " + timeoutMs);
        }
    }
}
