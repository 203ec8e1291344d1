package io.tidemq.remoting;

import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;

/**
 * Accepts connections and serves requests; can also send requests to a connected client over the
 * client's own connection (a broker's transaction check-back).
 */
public interface RemotingServer extends RemotingService {

    /**
     * The port the server listens on: the configured one, or the one the OS picked when the configured
     * port is 0.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    int localPort();

    /**
     * Sends a request to a connected client. The future completes with the client's response, or
     * exceptionally with a {@link RemotingException} subtype (timeout, connection closed, send failed).
     * It completes on a network or timer thread: do not block in dependent stages, hand heavy work to an
     * executor ({@code thenApplyAsync(fn, executor)}).
     */
    CompletableFuture<RemotingCommand> invokeAsync(RemotingChannel channel, RemotingCommand request, long timeoutMs);

    /** {@link #invokeAsync} and wait for the response; must not be called on a network I/O thread. */
    RemotingCommand invokeSync(RemotingChannel channel, RemotingCommand request, long timeoutMs)
            throws InterruptedException, RemotingException;

    /**
     * Sends a request the client will not answer. The future completes once the frame is written to the
     * socket, or exceptionally when it could not be.
     */
    CompletableFuture<Void> invokeOneway(RemotingChannel channel, RemotingCommand request);
}
