package io.tidemq.client.consumer.internal;

import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches the listener calls of one push consumer for {@code consumeTimeoutMs}. A call running longer counts as
 * failed: the sweeper thread ({@code tidemq-consume-<group>-timeout}) claims it and hands its messages to the
 * timeout handler, and whatever the listener returns later is ignored. Each call is claimed exactly once, by
 * whichever comes first: its own thread returning, or the sweeper.
 *
 * <p>Thread-safety: the set of running calls is concurrent; consume threads add and remove, the sweeper reads.
 */
final class ConsumeTimeouts {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeTimeouts.class);

    /** One listener call in progress. */
    static final class Call {
        final MessageQueue mq;
        final ProcessQueue pq;
        final List<MessageExt> msgs;
        final long startNanos;
        private final AtomicBoolean claimed = new AtomicBoolean();

        Call(MessageQueue mq, ProcessQueue pq, List<MessageExt> msgs, long startNanos) {
            this.mq = mq;
            this.pq = pq;
            this.msgs = msgs;
            this.startNanos = startNanos;
        }

        private boolean claim() {
            return claimed.compareAndSet(false, true);
        }
    }

    private final String group;
    private final long timeoutMs;
    private final long timeoutNanos;
    private final Consumer<Call> onTimeout;
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor sweeper;

    ConsumeTimeouts(String group, long timeoutMs, Consumer<Call> onTimeout) {
        this.group = group;
        this.timeoutMs = timeoutMs;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.onTimeout = onTimeout;
        this.sweeper = new ScheduledThreadPoolExecutor(1,
                NamedThreadFactory.pool("tidemq-consume-" + group + "-timeout", true));
        sweeper.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // a tenth of the timeout keeps the overrun small; never busier than every 10 ms, never lazier than 1 s
        long periodMs = Math.max(10, Math.min(1_000, timeoutMs / 10));
        sweeper.scheduleWithFixedDelay(NamedThreadFactory.logging("consume timeout sweep of group " + group,
                this::sweep), periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    Call begin(MessageQueue mq, ProcessQueue pq, List<MessageExt> msgs) {
        Call call = new Call(mq, pq, msgs, System.nanoTime());
        running.add(call);
        return call;
    }

    /** Ends a call; returns false when it had timed out, so its result must be ignored. */
    boolean end(Call call) {
        running.remove(call);
        return call.claim();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Call call : running) {
            if (now - call.startNanos >= timeoutNanos && call.claim()) {
                running.remove(call);
                LOG.warn("group {}: listener call on {} message(s) of {} is still running after consumeTimeoutMs={};"
                        + " treating it as failed", group, call.msgs.size(), call.mq, timeoutMs);
                onTimeout.accept(call);
            }
        }
    }

    /** Stops the sweeper; calls still running are no longer watched. */
    void close() {
        sweeper.shutdownNow();
        try {
            if (!sweeper.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("group {}: consume timeout sweeper did not stop within 5 s", group);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
