package io.tidemq.remoting;

import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;

/**
 * Serves the requests of one or more request codes. Registered with
 * {@link RemotingService#registerProcessor(int, RequestProcessor, java.util.concurrent.Executor)}, it runs on
 * the executor registered with it, never on a network I/O thread.
 *
 * <p>This is the asynchronous form: return at once and complete the future later, from any thread, when the
 * answer is known (a SYNC-flushed send completes it after the fsync, a long poll when messages arrive), so
 * no executor thread waits. Implement {@link SyncRequestProcessor} instead when the answer is computed
 * right away.
 *
 * <p>Outcomes: a response completes the future and is sent with the request's opaque id (the transport sets
 * the id and the response flag; build it with {@link RemotingCommand#createResponse}). A {@code null}
 * response, or a {@code null} future, sends nothing. A thrown exception or an exceptionally completed
 * future answers {@code SYSTEM_ERROR} with the exception's message, except an
 * {@link io.tidemq.common.protocol.header.InvalidHeaderException}, which answers {@code INVALID_PARAMETER}.
 * Responses to one-way requests are dropped.
 */
@FunctionalInterface
public interface RequestProcessor {

    CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request)
            throws Exception;

    /**
     * Whether this processor reads a request's body in place: {@link RemotingCommand#bodyBuffer()} is then a view of
     * the connection's receive buffer, readable only until {@link #processRequest} returns (the transport releases
     * it then, whatever the outcome), so the processor copies what it keeps beyond that; {@link RemotingCommand#body()}
     * makes such a copy. Otherwise (the default) the body is an array of its own, copied on the I/O thread.
     */
    default boolean readsBodyInPlace() {
        return false;
    }
}
