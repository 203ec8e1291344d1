package io.tidemq.remoting;

import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link RequestProcessor} that computes its response on the calling executor thread. Return
 * {@code null} to send no response. For a lambda, use {@link #of(SyncRequestProcessor)} so the compiler
 * picks this form: {@code server.registerProcessor(code, SyncRequestProcessor.of((ch, req) -> ...), pool)}.
 */
@FunctionalInterface
public interface SyncRequestProcessor extends RequestProcessor {

    RemotingCommand process(RemotingChannel channel, RemotingCommand request) throws Exception;

    @Override
    default CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request)
            throws Exception {
        return CompletableFuture.completedFuture(process(channel, request));
    }

    /** Returns its argument; exists so a lambda can be typed as a synchronous processor inline. */
    static SyncRequestProcessor of(SyncRequestProcessor processor) {
        return processor;
    }
}
