package io.tidemq.remoting;

import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;

/**
 * Sends requests to servers addressed as {@code host:port}. It keeps one connection per address, opened
 * on first use and reused by every caller; after a connection closes the next call opens a new one.
 * Processors registered on a client serve the requests servers send over those connections.
 *
 * <p>A request object belongs to the client from the call on: do not modify it afterwards (sending the same
 * unmodified command to several addresses is fine).
 */
public interface RemotingClient extends RemotingService {

    /**
     * Sends a request and returns its response asynchronously. {@code timeoutMs} covers connecting,
     * sending and waiting. The future completes exceptionally with
     * {@link io.tidemq.remoting.exception.RemotingConnectException},
     * {@link io.tidemq.remoting.exception.RemotingSendRequestException},
     * {@link io.tidemq.remoting.exception.RemotingTimeoutException} or
     * {@link io.tidemq.remoting.exception.RemotingConnectionClosedException}. It completes on a network or
     * timer thread: do not block in dependent stages, hand heavy work to an executor.
     *
     * @throws IllegalArgumentException when {@code address} is not {@code host:port} or the timeout is not positive
     */
    CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMs);

    /**
     * As {@link #invokeAsync(String, RemotingCommand, long)}, but the future completes with what {@code reader}
     * makes of the response, read on the network thread from the body where it arrived: one copy fewer for a
     * large body (a pull response becomes its messages without a {@code byte[]} of the whole body in between).
     * The future completes exceptionally with the transport's exceptions or with what the reader threw.
     */
    <T> CompletableFuture<T> invokeAsync(String address, RemotingCommand request, long timeoutMs,
                                         ResponseBodyReader<T> reader);

    /**
     * Sends a request and waits for its response; throws the exceptions {@link #invokeAsync} completes with.
     * Must not be called on a network I/O thread (it would wait for itself).
     */
    RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMs)
            throws InterruptedException, RemotingException;

    /**
     * Sends a request the server will not answer. The future completes once the frame is written to the
     * socket, or exceptionally with a connect or send exception.
     */
    CompletableFuture<Void> invokeOneway(String address, RemotingCommand request);

    /** Closes the connection to {@code address}, if any; its pending requests fail at once. */
    void closeConnection(String address);
}
