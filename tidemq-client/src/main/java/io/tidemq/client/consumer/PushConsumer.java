package io.tidemq.client.consumer;

import io.tidemq.client.ClientStateException;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.internal.orderly.ConsumeOrderlyService;
import io.tidemq.client.consumer.internal.ConsumeService;
import io.tidemq.client.consumer.internal.ConsumerRuntime;
import io.tidemq.client.consumer.internal.MessageSendBack;
import io.tidemq.client.consumer.internal.SubscriptionTable;
import io.tidemq.client.rebalance.AllocateAverage;
import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.filter.TagExpression;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;

import java.util.Objects;
import java.util.Set;

/**
 * Consumes a group's share of its subscribed topics: the client pulls (long polling) and runs a
 * {@link MessageListenerConcurrently} on a thread pool, committing offsets after successful consumption.
 *
 * <pre>{@code
 * PushConsumer consumer = PushConsumer.builder("order-service", config).build();
 * consumer.subscribe("orders", "created || paid");
 * consumer.registerListener((msgs, ctx) -> { msgs.forEach(this::handle); return ConsumeStatus.SUCCESS; });
 * consumer.start();
 * ...
 * consumer.close();
 * }</pre>
 *
 * Delivery is at least once: after a crash, or when a queue moves to another member, messages consumed
 * since the last commit ({@code offsetCommitIntervalMs}) are delivered again.
 */
public final class PushConsumer implements AutoCloseable {

    private enum State { CREATED, RUNNING, CLOSED }

    private final String group;
    private final ClientConfig config;
    private final MessageModel messageModel;
    private final SubscriptionTable subscriptions = new SubscriptionTable();
    private final ConsumerRuntime runtime;
    /** Set before start, read by start; guarded by {@code this}. */
    private MessageListenerConcurrently listener;
    private ConsumeService consumeService;
    private MessageListenerOrderly orderlyListener;
    private ConsumeOrderlyService orderlyService;
    private State state = State.CREATED;

    private PushConsumer(Builder b) {
        this.runtime = b.newRuntime("PUSH", subscriptions);
        this.group = b.group;
        this.config = b.config;
        this.messageModel = b.messageModel;
    }

    public static Builder builder(String group, ClientConfig config) {
        return new Builder(group, config);
    }

    public String group() {
        return group;
    }

    /**
     * Subscribes to {@code topic} with a tag expression: {@code *} or {@code "TagA || TagB"} (the grammar of
     * {@link TagExpression}, docs/protocol.md "Tag expressions").
     *
     * @throws InvalidTagExpressionException when the expression is outside that grammar
     */
    public synchronized PushConsumer subscribe(String topic, String expression) {
        subscriptions.subscribe(topic, expression);
        if (state == State.RUNNING) {
            runtime.instance().triggerRebalance(group);
        }
        return this;
    }

    public synchronized PushConsumer registerListener(MessageListenerConcurrently listener) {
        if (state != State.CREATED) {
            throw new ClientStateException("register the listener before start()");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Consumes each queue in offset order with {@code listener} instead of a concurrent listener: one thread per
     * queue at a time, only while this member holds the queue's broker lock (see docs/ordered-messages.md).
     * (Not an overload of {@code registerListener}: a lambda would fit both and not compile.)
     */
    public synchronized PushConsumer registerOrderlyListener(MessageListenerOrderly listener) {
        if (state != State.CREATED) {
            throw new ClientStateException("register the listener before start()");
        }
        this.orderlyListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Joins the group and starts consuming. */
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new ClientStateException("consumer " + group + " is " + state.name().toLowerCase()
                    + "; create a new one");
        }
        if ((listener == null) == (orderlyListener == null)) {
            throw new ClientStateException("consumer " + group + " needs exactly one listener; call registerListener()"
                    + " or registerOrderlyListener() once before start()");
        }
        if (subscriptions.isEmpty()) {
            throw new ClientStateException("consumer " + group + " subscribes to nothing; call subscribe() before start()");
        }
        if (messageModel == MessageModel.CLUSTERING) {
            // failed messages come back through the group's retry topic (see docs/retry-and-dlq.md)
            subscriptions.subscribe(NameValidator.retryTopic(group), "*");
        }
        runtime.start(rt -> {
            if (orderlyListener != null) {
                ConsumeOrderlyService os = ConsumeOrderlyService.attach(group, orderlyListener, config, rt,
                        messageModel == MessageModel.CLUSTERING);
                orderlyService = os;
                return os::submit;
            }
            MessageSendBack sendBack = messageModel == MessageModel.CLUSTERING
                    ? new MessageSendBack(rt.instance(), group, config.maxReconsumeTimes()) : null;
            ConsumeService cs = new ConsumeService(group, listener, config, rt.offsets(), rt.instance().delayScheduler(),
                    sendBack);
            consumeService = cs;
            return (request, msgs) -> cs.submit(request.queue(), request.processQueue(), msgs);
        });
        state = State.RUNNING;
    }

    /** The queues of the subscribed topics this member reads now (the group's retry queue is not listed). */
    public Set<MessageQueue> assignment() {
        Set<MessageQueue> queues = runtime.assignment();
        queues.removeIf(mq -> mq.topic().startsWith(NameValidator.RETRY_PREFIX));
        return queues;
    }

    /**
     * Stops pulling, waits for listener calls in progress (up to {@code requestTimeoutMs * 3}), commits
     * offsets, and leaves the group. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        runtime.stopPulling();
        if (consumeService != null) {
            consumeService.shutdown(config.requestTimeoutMs() * 3);
        }
        if (orderlyService != null) {
            orderlyService.shutdown(config.requestTimeoutMs() * 3);
        }
        runtime.close();
    }

    /** Builds a {@link PushConsumer}; defaults: CLUSTERING, FIRST, {@link AllocateAverage}. */
    public static final class Builder extends ConsumerBuilder<Builder> {

        private Builder(String group, ClientConfig config) {
            super(group, config);
        }

        @Override
        Builder self() {
            return this;
        }

        public PushConsumer build() {
            return new PushConsumer(this);
        }
    }
}
