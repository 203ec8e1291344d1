package io.tidemq.remoting.netty;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers connection events to a {@link ChannelEventListener} on one dedicated thread, in order, so a
 * listener never runs on (or blocks) an I/O thread. Without a listener it does nothing and starts no thread.
 */
final class ChannelEventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ChannelEventDispatcher.class);
    static final int QUEUE_CAPACITY = 10_000;

    private final ChannelEventListener listener;
    /** Single thread; null without a listener. */
    private final ThreadPoolExecutor executor;

    ChannelEventDispatcher(String role, ChannelEventListener listener) {
        this.listener = listener;
        if (listener == null) {
            this.executor = null;
        } else {
            this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                    new DefaultThreadFactory("tidemq-remoting-" + role + "-events", true));
        }
    }

    void connected(RemotingChannel channel) {
        deliver("connect", channel, l -> l.onConnect(channel.remoteAddress(), channel));
    }

    void closed(RemotingChannel channel) {
        deliver("close", channel, l -> l.onClose(channel.remoteAddress(), channel));
    }

    void idle(RemotingChannel channel) {
        deliver("idle", channel, l -> l.onIdle(channel.remoteAddress(), channel));
    }

    void exception(RemotingChannel channel, Throwable cause) {
        deliver("exception", channel, l -> l.onException(channel.remoteAddress(), channel, cause));
    }

    private void deliver(String event, RemotingChannel channel, Consumer<ChannelEventListener> call) {
        if (executor == null) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    log.warn("channel event listener failed on {} event of {}", event, channel.remoteAddress(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            if (!executor.isShutdown()) {
                log.warn("dropping {} event of {}: {} events are already queued; the listener is too slow", event,
                        channel.remoteAddress(), QUEUE_CAPACITY);
            }
        }
    }

    /** Delivers what is queued (up to a second), then stops the thread. */
    void shutdown() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
