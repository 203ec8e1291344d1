package io.tidemq.client.consumer;

import io.tidemq.client.ClientStateException;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.internal.ConsumerRuntime;
import io.tidemq.client.consumer.internal.PullRequest;
import io.tidemq.client.consumer.internal.SubscriptionTable;
import io.tidemq.client.rebalance.AllocateAverage;
import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.filter.TagExpression;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A consumer the application drives: background long-polling pulls fill a buffer, {@link #poll} takes
 * from it. Either {@link #subscribe} (the group's queues are shared by rebalancing, like a push consumer)
 * or {@link #assign} queues yourself.
 *
 * <pre>{@code
 * try (PullConsumer consumer = PullConsumer.builder("audit", config).build()) {
 *     consumer.subscribe("orders", "*");
 *     consumer.start();
 *     while (running) {
 *         for (MessageExt m : consumer.poll(Duration.ofSeconds(1))) { handle(m); }
 *     }
 * }
 * }</pre>
 *
 * With {@code autoCommit} (the default) the offsets of the messages a poll returned are committed by the
 * next poll (and the periodic commit), so a message is committed only after the application came back
 * for more. A queue revoked by a rebalance commits only what was committed that way: the messages the
 * last poll returned are read again by the queue's next owner. Without autoCommit, call
 * {@link #commitSync()}; a revoked queue then commits nothing beyond it. Per queue, messages are returned
 * in offset order.
 *
 * <p>Not thread-safe: call poll, commitSync, seek and close from one thread (the pulls run in the background).
 */
public final class PullConsumer implements AutoCloseable {

    private enum State { CREATED, RUNNING, CLOSED }

    /** One pull's messages, tagged with the pull loop that fetched them (stale after a seek). */
    private record Pulled(PullRequest request, List<MessageExt> msgs) {
    }

    private final String group;
    private final ClientConfig config;
    private final boolean autoCommit;
    private final SubscriptionTable subscriptions = new SubscriptionTable();
    private final ConsumerRuntime runtime;
    /** Filled by pull callbacks (network threads), drained by the polling thread. */
    private final LinkedBlockingQueue<Pulled> buffer = new LinkedBlockingQueue<>();
    /**
     * Offsets of returned messages not yet handed to the offset store; written by the polling thread, read
     * and cleared also by the rebalance thread when a queue is revoked, hence concurrent.
     */
    private final Map<MessageQueue, Long> returned = new ConcurrentHashMap<>();
    private Collection<MessageQueue> assignedBeforeStart;
    private State state = State.CREATED;

    private PullConsumer(Builder b) {
        this.runtime = b.newRuntime("PULL", subscriptions);
        this.group = b.group;
        this.config = b.config;
        this.autoCommit = b.autoCommit;
    }

    public static Builder builder(String group, ClientConfig config) {
        return new Builder(group, config);
    }

    public String group() {
        return group;
    }

    /**
     * Subscribes to {@code topic} ({@code *} or {@code "TagA || TagB"}, the grammar of {@link TagExpression});
     * queues come from rebalancing.
     *
     * @throws InvalidTagExpressionException when the expression is outside that grammar
     */
    public synchronized PullConsumer subscribe(String topic, String expression) {
        if (assignedBeforeStart != null) {
            throw new ClientStateException("this consumer has assigned queues; use either subscribe() or assign()");
        }
        subscriptions.subscribe(topic, expression);
        if (state == State.RUNNING) {
            runtime.instance().triggerRebalance(group);
        }
        return this;
    }

    /** Reads exactly {@code queues} (no rebalancing); may be called again to change them. */
    public synchronized PullConsumer assign(Collection<MessageQueue> queues) {
        if (!subscriptions.isEmpty()) {
            throw new ClientStateException("this consumer subscribes to topics; use either subscribe() or assign()");
        }
        assignedBeforeStart = List.copyOf(queues);
        if (state == State.RUNNING) {
            runtime.assign(assignedBeforeStart);
        }
        return this;
    }

    public synchronized void start() {
        if (state != State.CREATED) {
            throw new ClientStateException("consumer " + group + " is " + state.name().toLowerCase()
                    + "; create a new one");
        }
        if (subscriptions.isEmpty() && assignedBeforeStart == null) {
            throw new ClientStateException("consumer " + group + " reads nothing; call subscribe() or assign() first");
        }
        if (assignedBeforeStart != null) {
            // set before joining so the first rebalance already sees the manual assignment
            runtime.assign(List.of());
        }
        runtime.beforeRevoke(this::onRevoke);
        runtime.start(rt -> (request, msgs) -> buffer.add(new Pulled(request, msgs)));
        if (assignedBeforeStart != null) {
            try {
                runtime.assign(assignedBeforeStart);
            } catch (RuntimeException e) {
                state = State.CLOSED;
                runtime.close();
                throw e;
            }
        }
        state = State.RUNNING;
    }

    /**
     * Returns buffered messages, waiting up to {@code timeout} for the first pull to arrive; stops adding
     * pulls once {@code pullBatchSize} messages are collected. An empty list when nothing arrived in time.
     */
    public List<MessageExt> poll(Duration timeout) {
        checkRunning();
        if (autoCommit) {
            flushReturned();
        }
        List<MessageExt> out = new ArrayList<>();
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        try {
            while (out.isEmpty()) {
                long leftNs = deadlineNs - System.nanoTime();
                Pulled p = leftNs > 0 ? buffer.poll(leftNs, TimeUnit.NANOSECONDS) : buffer.poll();
                if (p == null) {
                    break;
                }
                take(p, out);
                while (out.size() < config.pullBatchSize() && (p = buffer.poll()) != null) {
                    take(p, out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private void take(Pulled p, List<MessageExt> out) {
        PullRequest r = p.request();
        if (r.processQueue().isDropped() || runtime.pullRequest(r.queue()) != r) {
            return;
        }
        out.addAll(p.msgs());
        returned.put(r.queue(), r.processQueue().removeMessages(p.msgs()));
    }

    /**
     * On the rebalance thread: the offsets of what the last poll returned are dropped, never committed. The
     * application may still be handling those messages (or crash while it does), so the queue's next owner
     * must read them again; what earlier polls returned was handed to the offset store by the following poll
     * and is committed when the queue is revoked.
     */
    private void onRevoke(MessageQueue mq) {
        returned.remove(mq);
    }

    /** Hands the offsets of the messages returned so far to the offset store (committed periodically). */
    private void flushReturned() {
        for (Map.Entry<MessageQueue, Long> e : returned.entrySet()) {
            runtime.offsets().update(e.getKey(), e.getValue(), true);
        }
        returned.clear();
    }

    /** Commits the offsets of every message returned so far, waiting for the brokers (or the file). */
    public void commitSync() {
        checkRunning();
        flushReturned();
        runtime.commitOffsets();
    }

    /** The next poll returns messages of {@code mq} from {@code offset} on; messages buffered for it are dropped. */
    public void seek(MessageQueue mq, long offset) {
        checkRunning();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        returned.remove(mq);
        runtime.restartQueue(mq, offset);
    }

    /** {@link #seek} to the oldest message the broker still stores for {@code mq}. */
    public void seekToBeginning(MessageQueue mq) {
        seek(mq, runtime.queueOffset(mq, false));
    }

    /** {@link #seek} past the newest message: only messages that arrive from now on are returned. */
    public void seekToEnd(MessageQueue mq) {
        seek(mq, runtime.queueOffset(mq, true));
    }

    /** The queues this consumer reads now. */
    public Set<MessageQueue> assignment() {
        return runtime.assignment();
    }

    private void checkRunning() {
        if (state != State.RUNNING) {
            throw new ClientStateException("consumer " + group + " is " + state.name().toLowerCase()
                    + (state == State.CREATED ? "; call start() first" : ""));
        }
    }

    /** Commits what was returned (with autoCommit), leaves the group. Idempotent. */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        if (autoCommit) {
            flushReturned();
        }
        runtime.close();
        buffer.clear();
    }

    /** Builds a {@link PullConsumer}; defaults: CLUSTERING, FIRST, {@link AllocateAverage}, autoCommit on. */
    public static final class Builder extends ConsumerBuilder<Builder> {
        private boolean autoCommit = true;

        private Builder(String group, ClientConfig config) {
            super(group, config);
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder autoCommit(boolean v) {
            autoCommit = v;
            return this;
        }

        public PullConsumer build() {
            return new PullConsumer(this);
        }
    }
}
