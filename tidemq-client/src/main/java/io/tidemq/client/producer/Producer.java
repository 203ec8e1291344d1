package io.tidemq.client.producer;

import io.tidemq.client.InvalidArgumentException;
import io.tidemq.client.ClientStateException;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.MessageTooLargeException;
import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.remoting.SendBody;
import io.tidemq.client.route.TopicPublishInfo;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to a topic's queues: synchronously, asynchronously, one-way, in batches, or ordered by a
 * key. Thread-safe; share one producer per group and process.
 *
 * <pre>{@code
 * try (Producer producer = Producer.builder("order-producer", config).build()) {
 *     producer.start();
 *     SendResult r = producer.send(Message.builder("orders").tag("created").body("...").build());
 * }
 * }</pre>
 *
 * Argument errors (bad topic, empty or too large body) throw at once, also from the async methods; send
 * failures throw {@link SendFailedException} from {@code send} and fail the future of {@code sendAsync}.
 * A topic no NameServer knows throws {@link io.tidemq.client.TopicNotFoundException}.
 */
public final class Producer implements AutoCloseable {

    private enum State { CREATED, RUNNING, CLOSED }

    /** Longest {@link Builder#sendBatchLingerMs}. */
    public static final long MAX_SEND_BATCH_LINGER_MS = 10_000;
    /** Smallest {@link Builder#sendBatchMaxBytes}. */
    public static final int MIN_SEND_BATCH_MAX_BYTES = 1_024;
    /** {@link Builder#sendBatchMaxBytes} by default (RocketMQ 5's auto batch: 32 KiB), or maxMessageBytes if smaller. */
    public static final int DEFAULT_SEND_BATCH_MAX_BYTES = 32 * 1_024;

    private final String group;
    private final ClientConfig config;
    /** Written under {@code this} by start/close; read without lock by senders. */
    private volatile State state = State.CREATED;
    /** Set once by start(), read after checking {@link #state}. */
    private volatile ClientInstance instance;
    private volatile MessageSender sender;
    private volatile UniqueIdGenerator ids;
    /** Set once by start() when {@link Builder#sendBatchLingerMs} is above 0; {@code null} otherwise. */
    private volatile SendAccumulator accumulator;
    private final long sendBatchLingerMs;
    private final int sendBatchMaxBytes;

    private Producer(Builder b) {
        InvalidArgumentException.checkGroup(b.group);
        this.group = b.group;
        this.config = Objects.requireNonNull(b.config, "config");
        if (b.sendBatchLingerMs < 0 || b.sendBatchLingerMs > MAX_SEND_BATCH_LINGER_MS) {
            throw new InvalidArgumentException("sendBatchLingerMs must be in [0, " + MAX_SEND_BATCH_LINGER_MS
                    + "] ms (0 = every sendAsync is its own request), was " + b.sendBatchLingerMs);
        }
        if (b.sendBatchLingerMs > 0
                && (b.sendBatchMaxBytes < MIN_SEND_BATCH_MAX_BYTES || b.sendBatchMaxBytes > config.maxMessageBytes())) {
            throw new InvalidArgumentException("sendBatchMaxBytes must be in [" + MIN_SEND_BATCH_MAX_BYTES + ", "
                    + config.maxMessageBytes() + " (maxMessageBytes)], was " + b.sendBatchMaxBytes);
        }
        this.sendBatchLingerMs = b.sendBatchLingerMs;
        this.sendBatchMaxBytes = b.sendBatchMaxBytes;
    }

    public static Builder builder(String group, ClientConfig config) {
        return new Builder(group, config);
    }

    public String group() {
        return group;
    }

    /** Connects to the NameServers' routes and registers the group; call once before sending. */
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new ClientStateException("producer " + group + " is " + state.name().toLowerCase()
                    + "; create a new one");
        }
        ClientInstance ci = ClientInstance.acquire(config);
        try {
            ci.registerProducer(group);
        } catch (RuntimeException e) {
            ci.release();
            throw e;
        }
        instance = ci;
        sender = new MessageSender(ci, config);
        ids = new UniqueIdGenerator(config.clientIp());
        if (sendBatchLingerMs > 0) {
            accumulator = new SendAccumulator(group, sender, sendBatchLingerMs, sendBatchMaxBytes);
        }
        state = State.RUNNING;
    }

    /** The async-send accumulator, or {@code null} without batching (tests). */
    SendAccumulator accumulator() {
        return accumulator;
    }

    /** Sends and waits for the broker's answer, retrying on another broker when that may help. */
    public SendResult send(Message msg) {
        OutgoingMessage out = prepare(msg);
        return sender.send(out, publishInfo(msg.topic()), null);
    }

    /**
     * Sends like {@link #send(Message)}, but never sends the message again after an attempt whose outcome is unknown
     * (no answer in time, connection lost: the broker may have stored it); that attempt's failure is thrown.
     * Attempts known to have stored nothing (a refusal, a connection that could not be opened) are retried. For
     * messages that must not be stored twice, such as the half messages of a {@code TransactionProducer}.
     */
    public SendResult sendAtMostOnce(Message msg) {
        OutgoingMessage out = prepare(msg);
        return sender.send(out, publishInfo(msg.topic()), null, false);
    }

    /**
     * Sends without blocking; the future completes (on a network thread) with the result or a {@link SendFailedException}.
     * With {@link Builder#sendBatchLingerMs} above 0 the message may wait that long to leave in one batch request
     * with other messages to its topic (not a delayed or transactional message: those leave alone); its result is
     * still its own.
     */
    public CompletableFuture<SendResult> sendAsync(Message msg) {
        SendAccumulator acc = accumulator;
        if (acc != null && batchable(msg)) {
            checkRunning();
            MessageValidator.check(msg, config.maxMessageBytes());
            TopicPublishInfo info = publishInfo(msg.topic());
            String existing = msg.property(MessageConst.UNIQ_KEY);
            String uniqueId = existing != null ? existing : ids.next();
            byte[] props = MessageValidator.propertiesWithUniqueId(msg, uniqueId).getBytes(StandardCharsets.UTF_8);
            if (acc.fits(msg.body(), props)) {
                return acc.add(info, msg.topic(), msg.flag(), msg.body(), props, uniqueId);
            }
            acc.flush(msg.topic()); // too large to share a request: it leaves after what was added before it
        }
        OutgoingMessage out = prepare(msg);
        return sender.sendAsync(out, publishInfo(msg.topic()), null);
    }

    /** Whether a message may share a batch request: delayed and transactional messages cannot. */
    private static boolean batchable(Message msg) {
        return msg.property(MessageConst.DELAY_MS) == null && msg.property(MessageConst.DELIVER_AT_MS) == null
                && msg.property(MessageConst.TRANSACTION_PREPARED) == null;
    }

    /** Sends without waiting for any answer: fastest, but a lost message goes unnoticed. */
    public void sendOneway(Message msg) {
        OutgoingMessage out = prepare(msg);
        sender.sendOneway(out, publishInfo(msg.topic()));
    }

    /**
     * Sends messages of one topic as one request, stored together in one queue. The encoded batch must fit
     * in {@code maxMessageBytes}.
     */
    public SendResult send(List<Message> batch) {
        OutgoingMessage out = prepareBatch(batch);
        return sender.send(out, publishInfo(out.topic()), null);
    }

    /** {@link #send(List)} without blocking. */
    public CompletableFuture<SendResult> sendAsync(List<Message> batch) {
        OutgoingMessage out = prepareBatch(batch);
        return sender.sendAsync(out, publishInfo(out.topic()), null);
    }

    /**
     * Sends to the queue {@code selector} picks for {@code arg}, for ordered messages: same key, same queue
     * (while the topic's queues do not change). Retries stay on that queue, so order is kept.
     */
    public SendResult send(Message msg, MessageQueueSelector selector, Object arg) {
        OutgoingMessage out = prepare(msg);
        TopicPublishInfo info = publishInfo(msg.topic());
        MessageQueue mq = selector.select(info.writableQueues(), msg, arg);
        if (mq == null || !info.writableQueues().contains(mq)) {
            throw new IllegalArgumentException("the selector returned " + mq + ", which is not a writable queue of topic '"
                    + msg.topic() + "'; return one of the queues it is given");
        }
        return sender.send(out, info, mq);
    }

    /** The writable queues of {@code topic} (for choosing a queue yourself). */
    public List<MessageQueue> writableQueues(String topic) {
        checkRunning();
        return publishInfo(topic).writableQueues();
    }

    private TopicPublishInfo publishInfo(String topic) {
        return instance.publishInfo(topic);
    }

    private OutgoingMessage prepare(Message msg) {
        checkRunning();
        MessageValidator.check(msg, config.maxMessageBytes());
        String existing = msg.property(MessageConst.UNIQ_KEY);
        String uniqueId = existing != null ? existing : ids.next();
        String props = MessageValidator.propertiesWithUniqueId(msg, uniqueId);
        return OutgoingMessage.of(group, msg.topic(), msg.flag(), props, msg.body(), false,
                System.currentTimeMillis(), uniqueId);
    }

    private OutgoingMessage prepareBatch(List<Message> batch) {
        checkRunning();
        MessageValidator.checkBatch(batch, config.maxMessageBytes());
        int n = batch.size();
        int[] flags = new int[n];
        byte[][] bodies = new byte[n][];
        byte[][] properties = new byte[n][];
        StringBuilder uniqueIds = new StringBuilder(n * 33);
        for (int i = 0; i < n; i++) {
            Message m = batch.get(i);
            String id = m.property(MessageConst.UNIQ_KEY);
            if (id == null) {
                id = ids.next();
            }
            // the message's properties with its UNIQ_KEY, encoded once, as the broker stores them
            properties[i] = MessageValidator.propertiesWithUniqueId(m, id).getBytes(StandardCharsets.UTF_8);
            flags[i] = m.flag();
            bodies[i] = m.body();
            uniqueIds.append(i == 0 ? "" : ",").append(id);
        }
        SendBody body = SendBody.batch(flags, bodies, properties);
        if (body.bytes() > config.maxMessageBytes()) {
            throw new MessageTooLargeException("batch of " + n + " messages to topic '"
                    + batch.get(0).topic() + "' (encoded)", body.bytes(), config.maxMessageBytes());
        }
        return OutgoingMessage.of(group, batch.get(0).topic(), 0, "", body, true, System.currentTimeMillis(),
                uniqueIds.toString());
    }

    private void checkRunning() {
        if (state != State.RUNNING) {
            throw new ClientStateException("producer " + group + " is " + state.name().toLowerCase()
                    + (state == State.CREATED ? "; call start() first" : "; create a new one"));
        }
    }

    /**
     * Unregisters the group and releases the shared client instance. Sends in flight may fail, but messages waiting
     * for a batch ({@link Builder#sendBatchLingerMs}) are sent first and their answers awaited (at most the
     * request timeout times the attempts). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        if (accumulator != null) {
            accumulator.close(config.requestTimeoutMs() * (1 + config.retryTimesWhenSendFailed()));
        }
        instance.unregisterProducer(group);
        instance.release();
    }

    /** Builds a {@link Producer}. */
    public static final class Builder {
        private final String group;
        private final ClientConfig config;
        private long sendBatchLingerMs;
        private int sendBatchMaxBytes;

        private Builder(String group, ClientConfig config) {
            this.group = group;
            this.config = config;
            this.sendBatchMaxBytes = config == null ? DEFAULT_SEND_BATCH_MAX_BYTES
                    : Math.min(DEFAULT_SEND_BATCH_MAX_BYTES, config.maxMessageBytes());
        }

        /**
         * How long a message given to {@code sendAsync(Message)} may wait for others to its topic, to leave with
         * them in one batch request (Kafka's {@code linger.ms}). 0, the default, sends each one at once on its own;
         * at most {@link Producer#MAX_SEND_BATCH_LINGER_MS} (10 s).
         */
        public Builder sendBatchLingerMs(long v) {
            sendBatchLingerMs = v;
            return this;
        }

        /**
         * The most bytes of encoded messages (body, properties and 16 bytes each) one such batch request holds
         * (Kafka's {@code batch.size}); a batch leaves as soon as the next message would not fit. Default 32 KiB
         * or {@code maxMessageBytes} if smaller; at least 1 KiB, at most {@code maxMessageBytes}. A message larger
         * than this is sent on its own.
         */
        public Builder sendBatchMaxBytes(int v) {
            sendBatchMaxBytes = v;
            return this;
        }

        public Producer build() {
            return new Producer(this);
        }
    }
}
