package io.tidemq.client.transaction;

import io.tidemq.client.InvalidArgumentException;
import io.tidemq.client.ClientStateException;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.client.remoting.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends messages whose delivery depends on a local transaction: the message is stored as a half message
 * (invisible to consumers), the {@link TransactionListener} runs the local transaction, and the outcome is
 * sent to the broker, which then delivers (COMMIT) or discards (ROLLBACK) the message. When the broker does
 * not learn the outcome (UNKNOWN, a crash, a lost request) it asks a producer of the group later, and the
 * listener's {@code checkLocalTransaction} answers. Thread-safe.
 *
 * <pre>{@code
 * try (TransactionProducer producer = TransactionProducer.builder("order-tx", config)
 *         .listener(listener).build()) {
 *     producer.start();
 *     TransactionSendResult r = producer.sendMessageInTransaction(
 *             Message.builder("orders").body("...").build(), orderId);
 * }
 * }</pre>
 */
public final class TransactionProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionProducer.class);
    private static final int DEFAULT_CHECK_QUEUE = 2_000;

    private enum State { CREATED, RUNNING, CLOSED }

    private final String group;
    private final ClientConfig config;
    private final TransactionListener listener;
    private final ExecutorService checkExecutor;
    private final boolean ownsCheckExecutor;
    private final Producer producer;
    /** Written under {@code this} by start/close; read without lock by senders and checks. */
    private volatile State state = State.CREATED;
    /** Set once by start(), read after checking {@link #state}. */
    private volatile ClientInstance instance;

    private TransactionProducer(Builder b) {
        InvalidArgumentException.checkGroup(b.group);
        this.group = b.group;
        this.config = Objects.requireNonNull(b.config, "config");
        this.listener = Objects.requireNonNull(b.listener, "listener: give a TransactionListener to the builder");
        this.ownsCheckExecutor = b.checkExecutor == null;
        this.checkExecutor = ownsCheckExecutor ? defaultCheckExecutor(group) : b.checkExecutor;
        this.producer = Producer.builder(group, config).build();
    }

    private static ExecutorService defaultCheckExecutor(String group) {
        return new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(DEFAULT_CHECK_QUEUE),
                NamedThreadFactory.pool("tidemq-transaction-check-" + group, true));
    }

    public static Builder builder(String group, ClientConfig config) {
        return new Builder(group, config);
    }

    public String group() {
        return group;
    }

    /** Joins the group and starts answering check-backs; call once before sending. */
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new ClientStateException("transaction producer " + group + " is " + state.name().toLowerCase()
                    + "; create a new one");
        }
        producer.start();
        ClientInstance ci = ClientInstance.acquire(config);
        try {
            TransactionCheckDispatcher.register(ci, group, this::onCheck);
            // be known to every broker at once, so a check-back can reach this member before it sends
            ci.heartbeatAllBrokers();
        } catch (RuntimeException e) {
            ci.release();
            producer.close();
            throw e;
        }
        instance = ci;
        state = State.RUNNING;
    }

    /**
     * Stores {@code msg} as a half message, runs the local transaction and sends its outcome. When the half
     * cannot be stored the local transaction does not run and the exception is thrown; when it is stored but
     * not confirmed durable (a flush or replication timeout) the transaction is rolled back without running.
     *
     * <p>A half is sent to one broker at most: after an attempt that got no answer (the broker may have stored
     * it) it is not sent again, to that broker or another, because two stored halves would both be committed by
     * check-backs. The exception is thrown and the local transaction does not run; if that broker did store the
     * half it checks back later, and {@link TransactionListener#checkLocalTransaction} must answer ROLLBACK for a
     * transaction that never ran.
     *
     * @param arg handed to {@link TransactionListener#executeLocalTransaction}
     * @throws SendFailedException when the half message could not be stored, or its broker did not answer
     */
    public TransactionSendResult sendMessageInTransaction(Message msg, Object arg) {
        checkRunning();
        Objects.requireNonNull(msg, "msg");
        Message half = msg.toBuilder()
                .systemProperty(MessageConst.TRANSACTION_PREPARED, "true")
                .systemProperty(MessageConst.PRODUCER_GROUP, group)
                .build();
        SendResult sent = producer.sendAtMostOnce(half);
        LocalTransactionState local;
        if (!sent.isOk()) {
            LOG.warn("half message {} to topic '{}' was stored as {}; rolling the transaction back without running it",
                    sent.uniqueId(), msg.topic(), sent.status());
            local = LocalTransactionState.ROLLBACK;
        } else {
            Message withId = msg.toBuilder().systemProperty(MessageConst.UNIQ_KEY, sent.uniqueId()).build();
            local = runLocalTransaction(withId, arg, sent.uniqueId());
        }
        boolean delivered = endTransaction(instance.brokerAddress(sent.queue().brokerName()), sent.msgId(),
                sent.uniqueId(), local, false);
        return new TransactionSendResult(sent, local, sent.uniqueId(), delivered);
    }

    private LocalTransactionState runLocalTransaction(Message msg, Object arg, String transactionId) {
        try {
            LocalTransactionState s = listener.executeLocalTransaction(msg, arg);
            return s == null ? LocalTransactionState.UNKNOWN : s;
        } catch (RuntimeException e) {
            LOG.warn("local transaction {} failed; reporting UNKNOWN, the broker will check back", transactionId, e);
            return LocalTransactionState.UNKNOWN;
        }
    }

    /** A check-back from the broker at {@code brokerAddress}; hands it to the check executor. */
    private void onCheck(String brokerAddress, Headers.CheckTransactionStateRequest h, MessageExt message) {
        try {
            checkExecutor.execute(() -> answerCheck(brokerAddress, h, message));
        } catch (RejectedExecutionException e) {
            LOG.warn("check-back of transaction {} dropped: the check executor is full or stopped; the broker"
                    + " asks again", h.transactionId());
        }
    }

    private void answerCheck(String brokerAddress, Headers.CheckTransactionStateRequest h, MessageExt message) {
        if (state != State.RUNNING) {
            return;
        }
        LocalTransactionState s;
        try {
            s = listener.checkLocalTransaction(message);
            if (s == null) {
                s = LocalTransactionState.UNKNOWN;
            }
        } catch (RuntimeException e) {
            LOG.warn("checking transaction {} failed; answering UNKNOWN", h.transactionId(), e);
            s = LocalTransactionState.UNKNOWN;
        }
        endTransaction(brokerAddress, h.msgId(), h.transactionId(), s, true);
    }

    /** Sends END_TRANSACTION; returns whether the broker acknowledged it. Failures are logged, never thrown. */
    private boolean endTransaction(String brokerAddress, String msgId, String transactionId,
                                   LocalTransactionState local, boolean fromCheck) {
        if (brokerAddress == null) {
            LOG.warn("transaction {}: the broker holding its half message left the route; it will check back",
                    transactionId);
            return false;
        }
        Headers.EndTransactionRequest request = new Headers.EndTransactionRequest(group,
                MessageId.decode(msgId).physicalOffset(), msgId, transactionId, local.name(), fromCheck);
        try {
            Answer resp = instance.api().endTransaction(brokerAddress, request);
            if (resp.is(ResponseCode.FLUSH_DISK_TIMEOUT)) {
                LOG.warn("broker {} applied {} of transaction {} but has not confirmed it durable yet: {}",
                        brokerAddress, local, transactionId, resp.remark());
                return true;
            }
            if (!resp.isSuccess()) {
                LOG.warn("broker {} refused {} of transaction {}: {}", brokerAddress, local, transactionId, resp.remark());
                return false;
            }
            return true;
        } catch (Exception e) {
            LOG.warn("sending {} of transaction {} to {} failed; the broker will check back: {}", local, transactionId,
                    brokerAddress, e.toString());
            return false;
        }
    }

    private void checkRunning() {
        if (state != State.RUNNING) {
            throw new ClientStateException("transaction producer " + group + " is " + state.name().toLowerCase()
                    + (state == State.CREATED ? "; call start() first" : "; create a new one"));
        }
    }

    /**
     * Stops answering check-backs, leaves the group and releases the client instance. Transactions left
     * UNKNOWN are answered by another producer of the group. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            shutDownCheckExecutor();
            return;
        }
        state = State.CLOSED;
        TransactionCheckDispatcher.unregister(instance, group);
        shutDownCheckExecutor();
        producer.close();
        instance.release();
    }

    private void shutDownCheckExecutor() {
        if (!ownsCheckExecutor) {
            return;
        }
        checkExecutor.shutdown();
        try {
            if (!checkExecutor.awaitTermination(config.requestTimeoutMs(), TimeUnit.MILLISECONDS)) {
                checkExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            checkExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Builds a {@link TransactionProducer}. */
    public static final class Builder {
        private final String group;
        private final ClientConfig config;
        private TransactionListener listener;
        private ExecutorService checkExecutor;

        private Builder(String group, ClientConfig config) {
            this.group = group;
            this.config = config;
        }

        /** Required: runs local transactions and answers check-backs. */
        public Builder listener(TransactionListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Where check-backs run; the caller keeps ownership (it is not shut down by {@link TransactionProducer#close()}). Default:
         * one thread named {@code tidemq-transaction-check-<group>} with a queue of 2 000 checks.
         */
        public Builder checkExecutor(ExecutorService checkExecutor) {
            this.checkExecutor = checkExecutor;
            return this;
        }

        public TransactionProducer build() {
            return new TransactionProducer(this);
        }
    }
}
