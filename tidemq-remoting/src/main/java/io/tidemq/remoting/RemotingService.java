package io.tidemq.remoting;

import io.tidemq.common.protocol.RequestCode;

import java.util.concurrent.Executor;

/** What servers and clients share: a lifecycle and the processors that serve incoming requests. */
public interface RemotingService {

    /** Starts the network threads; call once. */
    void start();

    /**
     * Closes every connection, fails requests still waiting for a response, and stops the threads this
     * service created. Executors passed to {@code registerProcessor} belong to the caller and stay running.
     * Idempotent.
     */
    void shutdown();

    /**
     * Serves {@code code} with {@code processor} on {@code executor}. Giving each family of codes its own
     * executor keeps a slow code (an admin query) from delaying a fast one (a send). When the executor
     * rejects a request (queue full, shut down) the caller gets {@code SYSTEM_BUSY}. A later registration
     * for the same code replaces the earlier one. May be called before or after {@link #start()}.
     */
    void registerProcessor(int code, RequestProcessor processor, Executor executor);

    /** As {@link #registerProcessor(int, RequestProcessor, Executor)} for a known code. */
    default void registerProcessor(RequestCode code, RequestProcessor processor, Executor executor) {
        registerProcessor(code.code(), processor, executor);
    }

    /** Serves {@code code} on the service's shared worker pool ({@code workerThreads}). */
    void registerProcessor(int code, RequestProcessor processor);

    /** As {@link #registerProcessor(int, RequestProcessor)} for a known code. */
    default void registerProcessor(RequestCode code, RequestProcessor processor) {
        registerProcessor(code.code(), processor);
    }

    /**
     * Serves every code without its own processor. Without a default processor such requests are answered
     * {@code REQUEST_CODE_NOT_SUPPORTED}.
     */
    void registerDefaultProcessor(RequestProcessor processor, Executor executor);

    /** Requests this side sent that still wait for a response (a gauge for metrics and tests). */
    int pendingRequestCount();
}
