package io.tidemq.client.producer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.RemotingFailedException;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.remoting.ClientRemotingApi;
import io.tidemq.client.remoting.ResponseCodes;
import io.tidemq.client.remoting.SendAnswer;
import io.tidemq.client.route.BrokerFaultTracker;
import io.tidemq.client.route.TopicPublishInfo;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends prepared messages with queue selection, fault avoidance and retries. A retriable failure (no
 * answer, overload, missing topic on that broker, flush or replication timeout) is retried up to
 * {@code retryTimesWhenSendFailed} times, on another broker when the topic has one; a refusal that would
 * repeat (too large, illegal) is thrown at once. A send that was stored but not confirmed durable
 * (FLUSH_DISK_TIMEOUT …) is retried too, so it may be stored twice; consumers deduplicate by
 * {@code UNIQ_KEY}. If every attempt fails but one had stored the message, its result is returned.
 *
 * <p>Thread-safe and lock-free: the only shared state is the fault tracker and the queue cursor.
 */
final class MessageSender {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSender.class);

    private final ClientInstance instance;
    private final ClientRemotingApi api;
    private final BrokerFaultTracker faults;
    private final int attempts;

    MessageSender(ClientInstance instance, ClientConfig config) {
        this.instance = instance;
        this.api = instance.api();
        this.faults = new BrokerFaultTracker(config.faultAvoidanceMs());
        this.attempts = 1 + config.retryTimesWhenSendFailed();
    }

    /** Sends synchronously; {@code fixedQueue} (ordered sends) pins every attempt to one queue. */
    SendResult send(OutgoingMessage msg, TopicPublishInfo info, MessageQueue fixedQueue) {
        return send(msg, info, fixedQueue, true);
    }

    /**
     * As {@link #send(OutgoingMessage, TopicPublishInfo, MessageQueue)}; without {@code retryUnknownOutcome} an
     * attempt that got no answer (timeout, connection lost: the broker may have stored the message) is not
     * followed by another one and its failure is thrown, and a message stored but not confirmed durable is
     * returned as it is. Attempts known to have stored nothing (a refusal, a connection that could not be
     * opened) are still retried.
     */
    SendResult send(OutgoingMessage msg, TopicPublishInfo info, MessageQueue fixedQueue, boolean retryUnknownOutcome) {
        String avoid = null;
        SendResult stored = null;
        SendFailedException last = null;
        for (int i = 0; i < attempts; i++) {
            MessageQueue mq = fixedQueue != null ? fixedQueue : info.selectQueue(faults, avoid);
            if (mq == null) {
                throw noWritableQueue(msg.topic());
            }
            String broker = mq.brokerName();
            String addr = instance.brokerAddress(broker);
            if (addr == null) {
                last = unknownBroker(msg.topic(), broker);
                avoid = broker;
                continue;
            }
            try {
                SendAnswer resp = api.send(addr, msg.header(), mq.queueId(), msg.body());
                SendResult result;
                try {
                    result = result(resp, mq, msg);
                } catch (RuntimeException e) {
                    throw new SendFailedException(msg.topic(), broker + " (" + addr + ")", e);
                }
                if (result != null && result.isOk()) {
                    faults.markOk(broker);
                    return result;
                }
                if (result != null) {
                    stored = result;
                    if (!retryUnknownOutcome) {
                        return result; // stored, only not confirmed: another attempt would store it twice
                    }
                } else {
                    SendFailedException e = ResponseCodes.toSendException(msg.topic(), broker + " (" + addr + ")",
                            resp.code(), resp.remark());
                    if (!e.isRetriable()) {
                        throw e;
                    }
                    last = e;
                    if (e.responseCode() == ResponseCode.NOT_MASTER) {
                        // the group elected another master: the next attempt goes to the address routes name now
                        instance.refreshRoute(msg.topic());
                        continue;
                    }
                    faults.markFailed(broker);
                }
            } catch (RemotingFailedException e) {
                faults.markFailed(broker);
                instance.refreshRouteSoon(msg.topic()); // the broker may be gone and its group have a new master
                last = new SendFailedException(msg.topic(), broker + " (" + addr + ")", e);
                if (!retryUnknownOutcome && !e.requestNotSent()) {
                    throw last;
                }
            }
            avoid = broker;
            LOG.debug("send attempt {} of {} to {} failed; retrying", i + 1, attempts, mq);
        }
        if (stored != null) {
            return stored;
        }
        throw last;
    }

    /** As {@link #send} without blocking: the future completes on a network thread. */
    CompletableFuture<SendResult> sendAsync(OutgoingMessage msg, TopicPublishInfo info, MessageQueue fixedQueue) {
        AsyncSend s = new AsyncSend(msg, info, fixedQueue);
        s.attempt();
        return s.result;
    }

    /** Sends without waiting for an answer; no retry. Failures only mark the broker and are logged. */
    void sendOneway(OutgoingMessage msg, TopicPublishInfo info) {
        MessageQueue mq = info.selectQueue(faults, null);
        if (mq == null) {
            throw noWritableQueue(msg.topic());
        }
        String addr = instance.brokerAddress(mq.brokerName());
        if (addr == null) {
            throw unknownBroker(msg.topic(), mq.brokerName());
        }
        api.sendOneway(addr, msg.header(), mq.queueId(), msg.body()).whenComplete((v, err) -> {
            if (err != null) {
                faults.markFailed(mq.brokerName());
                LOG.debug("one-way send to {} failed: {}", mq, err.toString());
            }
        });
    }

    /** The result of a stored message, or {@code null} when the response is a refusal. */
    private static SendResult result(SendAnswer resp, MessageQueue mq, OutgoingMessage msg) {
        SendStatus status;
        ResponseCode code = resp.responseCode();
        if (code == null) {
            return null;
        }
        switch (code) {
            case SUCCESS -> status = SendStatus.SEND_OK;
            case FLUSH_DISK_TIMEOUT -> status = SendStatus.FLUSH_DISK_TIMEOUT;
            case FLUSH_SLAVE_TIMEOUT -> status = SendStatus.FLUSH_SLAVE_TIMEOUT;
            case SLAVE_NOT_AVAILABLE -> status = SendStatus.SLAVE_NOT_AVAILABLE;
            default -> {
                return null;
            }
        }
        if (status != SendStatus.SEND_OK && !resp.hasStorePosition()) {
            // stored but not confirmed, from a broker that does not say where: still a stored message, not a
            // send failure (the caller would send it again)
            return new SendResult(null, mq, -1, status, msg.uniqueId());
        }
        Headers.SendMessageResponse h = resp.header();
        MessageQueue stored = h.queueId() == mq.queueId() ? mq : new MessageQueue(mq.topic(), mq.brokerName(), h.queueId());
        if (h.recordBytes() != null) {
            // a batch's ids in the compact form this producer asks for: the first id and the records' sizes
            return SendResult.ofBatch(BatchMessageIds.parse(h.msgId(), h.recordBytes()), stored, h.queueOffset(), status,
                    msg.uniqueId());
        }
        return new SendResult(h.msgId(), stored, h.queueOffset(), status, msg.uniqueId());
    }

    private SendFailedException noWritableQueue(String topic) {
        instance.refreshRouteSoon(topic); // e.g. the group lost its master and has not registered a new one yet
        return new SendFailedException(topic, "any broker", new ClientException("the route of topic '" + topic
                + "' has no writable queue on a broker with a master; check the topic's permissions and brokers"));
    }

    private SendFailedException unknownBroker(String topic, String broker) {
        instance.refreshRouteSoon(topic); // the route names the group but no master address: ask again soon
        return new SendFailedException(topic, broker, new ClientException("no address is known for broker "
                + broker + "; it left the route (wait for the route refresh or check the broker)"));
    }

    /**
     * One asynchronous send and its retries. Attempts run one after the other (the next starts from the
     * previous one's callback), so the fields are only touched by one thread at a time.
     */
    private final class AsyncSend {
        final OutgoingMessage msg;
        final TopicPublishInfo info;
        final MessageQueue fixedQueue;
        final CompletableFuture<SendResult> result = new CompletableFuture<>();
        int attempt;
        String avoid;
        SendResult stored;
        SendFailedException last;

        AsyncSend(OutgoingMessage msg, TopicPublishInfo info, MessageQueue fixedQueue) {
            this.msg = msg;
            this.info = info;
            this.fixedQueue = fixedQueue;
        }

        void attempt() {
            while (attempt < attempts) {
                attempt++;
                MessageQueue mq = fixedQueue != null ? fixedQueue : info.selectQueue(faults, avoid);
                if (mq == null) {
                    result.completeExceptionally(noWritableQueue(msg.topic()));
                    return;
                }
                String addr = instance.brokerAddress(mq.brokerName());
                if (addr == null) {
                    last = unknownBroker(msg.topic(), mq.brokerName());
                    avoid = mq.brokerName();
                    continue;
                }
                CompletableFuture<SendAnswer> call;
                try {
                    call = api.sendAsync(addr, msg.header(), mq.queueId(), msg.body());
                } catch (RuntimeException e) {
                    result.completeExceptionally(new SendFailedException(msg.topic(), addr, e));
                    return;
                }
                call.whenComplete((resp, err) -> onAnswer(mq, addr, resp, err));
                return;
            }
            finish();
        }

        private void onAnswer(MessageQueue mq, String addr, SendAnswer resp, Throwable err) {
            String broker = mq.brokerName();
            if (err != null) {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                faults.markFailed(broker);
                instance.refreshRouteSoon(msg.topic());
                last = new SendFailedException(msg.topic(), broker + " (" + addr + ")", cause);
            } else {
                SendResult r;
                try {
                    r = result(resp, mq, msg);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new SendFailedException(msg.topic(), addr, e));
                    return;
                }
                if (r != null && r.isOk()) {
                    faults.markOk(broker);
                    result.complete(r);
                    return;
                }
                if (r != null) {
                    stored = r;
                } else {
                    SendFailedException e = ResponseCodes.toSendException(msg.topic(), broker + " (" + addr + ")",
                            resp.code(), resp.remark());
                    if (!e.isRetriable()) {
                        result.completeExceptionally(e);
                        return;
                    }
                    last = e;
                    if (e.responseCode() == ResponseCode.NOT_MASTER) {
                        instance.refreshRouteAsync(msg.topic()); // the group elected another master
                    } else {
                        faults.markFailed(broker);
                    }
                }
            }
            avoid = broker;
            attempt();
        }

        private void finish() {
            if (stored != null) {
                result.complete(stored);
            } else {
                result.completeExceptionally(last);
            }
        }
    }
}
