package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.InvalidHeaderException;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes each incoming request to the processor registered for its code, on that processor's executor,
 * and writes the response back with the request's opaque id. The I/O thread looks up the processor and hands
 * the request to its executor; it runs processor code itself only when that executor is a same-thread one,
 * which the broker registers for sends while {@code sendOnIoThread} is on (docs/protocol.md, "Implementation
 * notes").
 */
final class RequestDispatcher {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private static final ChannelFutureListener LOG_WRITE_FAILURE = f -> {
        if (!f.isSuccess()) {
            log.debug("could not write a response to {}: {}", NettyRemotingChannel.format(f.channel().remoteAddress()),
                    f.cause().toString());
        }
    };

    private record Binding(RequestProcessor processor, Executor executor) {
    }

    private final String role;
    private final Executor sharedExecutor;
    /** Registrations by code; written by any thread registering, read by I/O threads. */
    private final ConcurrentHashMap<Integer, Binding> bindings = new ConcurrentHashMap<>();
    /** Written by registerDefault, read by I/O threads. */
    private volatile Binding defaultBinding;

    RequestDispatcher(String role, Executor sharedExecutor) {
        this.role = role;
        this.sharedExecutor = sharedExecutor;
    }

    void register(int code, RequestProcessor processor, Executor executor) {
        bindings.put(code, new Binding(Objects.requireNonNull(processor, "processor"),
                executor != null ? executor : sharedExecutor));
    }

    void registerDefault(RequestProcessor processor, Executor executor) {
        defaultBinding = new Binding(Objects.requireNonNull(processor, "processor"),
                executor != null ? executor : sharedExecutor);
    }

    /**
     * Called on the I/O thread for every received request. {@code body} is the request's body as a slice of the
     * receive buffer, or {@code null} when it has none; this method owns it and releases it on every path: at once,
     * copied into the request, for a processor that takes an array, or once the processor's
     * {@code processRequest} returned (or threw, or the executor refused the request) for one that reads it in place.
     */
    void dispatch(NettyRemotingChannel channel, RemotingCommand request, ByteBuf body) {
        Binding binding = bindings.get(request.code());
        if (binding == null) {
            binding = defaultBinding;
        }
        if (binding == null) {
            release(body);
            log.debug("{} has no processor for {} from {}", role, RequestCode.describe(request.code()),
                    channel.remoteAddress());
            respond(channel, request, RemotingCommand.createResponse(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                    "request code " + RequestCode.describe(request.code()) + " is not supported by this " + role
                            + "; check that client and server versions match"));
            return;
        }
        ByteBuf inPlace = null;
        if (body != null) {
            if (binding.processor().readsBodyInPlace()) {
                inPlace = body;
                request.setBodyInPlace(body);
            } else {
                try {
                    request.setBody(ByteBufUtil.getBytes(body));
                } finally {
                    body.release();
                }
            }
        }
        Binding target = binding;
        ByteBuf lent = inPlace;
        try {
            target.executor().execute(() -> process(target.processor(), channel, request, lent));
        } catch (RejectedExecutionException e) {
            release(lent);
            log.warn("{} is busy: the executor for {} rejected a request from {}", role,
                    RequestCode.describe(request.code()), channel.remoteAddress());
            respond(channel, request, RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY,
                    role + " is busy: too many pending " + RequestCode.describe(request.code())
                            + " requests; retry later or on another server"));
        }
    }

    /** Runs the processor; {@code inPlace} (the request's body lent to it, or {@code null}) is released when it returns. */
    private void process(RequestProcessor processor, NettyRemotingChannel channel, RemotingCommand request,
                         ByteBuf inPlace) {
        CompletableFuture<RemotingCommand> result;
        try {
            result = processor.processRequest(channel, request);
        } catch (Throwable t) {
            release(inPlace);
            respond(channel, request, errorResponse(channel, request, t));
            return;
        }
        release(inPlace);
        if (result == null) {
            return;
        }
        result.whenComplete((response, error) -> {
            if (error != null) {
                respond(channel, request, errorResponse(channel, request, error));
            } else if (response != null) {
                respond(channel, request, response);
            }
        });
    }

    private static void release(ByteBuf body) {
        if (body != null) {
            body.release();
        }
    }

    private RemotingCommand errorResponse(NettyRemotingChannel channel, RemotingCommand request, Throwable error) {
        Throwable cause = unwrap(error);
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
        if (cause instanceof InvalidHeaderException) {
            log.debug("{} from {} rejected: {}", RequestCode.describe(request.code()), channel.remoteAddress(), message);
            return RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, message);
        }
        log.warn("processor for {} failed on a request from {}", RequestCode.describe(request.code()),
                channel.remoteAddress(), cause);
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, message);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void respond(NettyRemotingChannel channel, RemotingCommand request, RemotingCommand response) {
        if (request.isOneway()) {
            return;
        }
        int flags = (response.flags() | FrameLayout.FLAG_RESPONSE) & ~FrameLayout.FLAG_ONEWAY;
        ChannelFuture write = channel.nettyChannel().writeAndFlush(new OutboundFrame(response, request.opaque(), flags));
        write.addListener(LOG_WRITE_FAILURE);
    }
}
