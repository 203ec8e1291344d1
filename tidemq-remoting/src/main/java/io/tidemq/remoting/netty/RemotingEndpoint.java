package io.tidemq.remoting.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.exception.RemotingTimeoutException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The parts a server and a client share: the channel pipeline, request correlation, request dispatch,
 * connection events and the shared worker pool.
 *
 * <p>Pipeline, head to tail: flush consolidation → idle detection → encoder → decoder → connection
 * lifecycle → command routing.
 */
final class RemotingEndpoint {

    /** Flushes coalesced into one syscall at most; bounds the latency a busy read loop adds. */
    private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;
    /** How much longer than its own timeout a sync caller waits before giving up on the timer. */
    private static final long SYNC_GRACE_MS = 1000;

    final String role;
    final RequestInvoker invoker;
    final RequestDispatcher dispatcher;
    final ChannelEventDispatcher events;
    private final ThreadPoolExecutor workers;
    private final int maxFrameBytes;
    private final int channelIdleSeconds;
    private final FrameEncoder encoder;
    private final ConnectionHandler connectionHandler;
    private final CommandHandler commandHandler;

    RemotingEndpoint(String role, int workerThreads, int workerQueueCapacity, int maxFrameBytes,
                     int channelIdleSeconds, int timeoutTickMs, boolean closeWhenIdle, ChannelEventListener listener) {
        this.role = role;
        this.maxFrameBytes = maxFrameBytes;
        this.channelIdleSeconds = channelIdleSeconds;
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(workerQueueCapacity),
                new DefaultThreadFactory("tidemq-remoting-" + role + "-worker", true));
        this.invoker = new RequestInvoker(role, timeoutTickMs);
        this.dispatcher = new RequestDispatcher("tidemq " + role, workers);
        this.events = new ChannelEventDispatcher(role, listener);
        this.encoder = new FrameEncoder(maxFrameBytes);
        this.connectionHandler = new ConnectionHandler(role, invoker, events, closeWhenIdle);
        this.commandHandler = new CommandHandler(invoker, dispatcher);
    }

    void initPipeline(Channel channel) {
        ChannelPipeline p = channel.pipeline();
        // defers flushes issued while reading, or queued by other threads, so several frames share a write
        p.addLast("flush", new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        if (channelIdleSeconds > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, channelIdleSeconds));
        }
        p.addLast("encoder", encoder);
        p.addLast("decoder", new FrameDecoder(maxFrameBytes));
        p.addLast("connection", connectionHandler);
        p.addLast("commands", commandHandler);
    }

    /**
     * Waits for a sync call's response, turning failures into the {@link RemotingException} they carry.
     */
    static RemotingCommand awaitResponse(CompletableFuture<RemotingCommand> future,
                                         String address, RemotingCommand request, long timeoutMs)
            throws InterruptedException, RemotingException {
        try {
            return future.get(timeoutMs + SYNC_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RemotingException re) {
                throw re;
            }
            throw new RemotingException("request " + RequestCode.describe(request.code()) + " to " + address
                    + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RemotingTimeoutException("no response from " + address + " to request "
                    + RequestCode.describe(request.code()) + " within " + timeoutMs + " ms");
        }
    }

    /** A sync call on an I/O thread could wait for a response only that thread can read. */
    static void requireNotOnIoThread(EventLoopGroup ioGroup) {
        if (ioGroup == null) {
            return;
        }
        for (EventExecutor loop : ioGroup) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("invokeSync called on a network I/O thread, which would wait "
                        + "for itself; use invokeAsync, or call from another thread");
            }
        }
    }

    int pendingRequestCount() {
        return invoker.pendingCount();
    }

    /** Fails pending calls, then stops the worker pool, the timer and the event thread. */
    void shutdown() {
        invoker.shutdown();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        events.shutdown();
    }
}
