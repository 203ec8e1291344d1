package io.tidemq.broker.retry;

import io.tidemq.broker.config.RetryBackoffSchedule;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * CONSUMER_SEND_MSG_BACK: a consumer failed to consume a message this broker delivered. The broker reads the
 * message from its CommitLog and stores a copy with {@code reconsumeTimes} one higher:
 * <ul>
 *   <li>in {@code %RETRY%<group>}, due after the back-off of {@code retryBackoffSchedule} for that count
 *       (DELAY_MS, so the put path parks the copy in the timer);</li>
 *   <li>in {@code %DLQ%<group>}, at once, when the count exceeds the group's {@code maxReconsumeTimes} or the
 *       consumer asks for it ({@code directToDlq}); a group configured with {@code admin group create} uses its
 *       {@code retryMaxTimes} instead of the consumer's {@code maxReconsumeTimes}.</li>
 * </ul>
 * The executor thread never waits for the put; the response is sent when the store acknowledged the copy.
 */
public final class SendMessageBackProcessor implements RequestProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(SendMessageBackProcessor.class);

    /** The highest maxReconsumeTimes a consumer may ask for. */
    public static final int MAX_RECONSUME_TIMES_LIMIT = 1_000;

    private final String brokerName;
    private final RetryBackoffSchedule schedule;
    private final RetryTopics retryTopics;
    /** Reads the failed message; its copies go through the put door, so retry copies wait in the timer. */
    private final BrokerStore store;
    private final LongSupplier clockMs;
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final Supplier<InetSocketAddress> storeHost;
    /** A group's configuration ({@code admin group create}) or null: its retryMaxTimes overrides the consumer's. */
    private final Function<String, SubscriptionGroupConfig> groupConfigs;

    public SendMessageBackProcessor(String brokerName, RetryBackoffSchedule schedule, RetryTopics retryTopics,
                                    BrokerStore store, Supplier<InetSocketAddress> storeHost,
                                    LongSupplier clockMs, Function<String, SubscriptionGroupConfig> groupConfigs) {
        this.groupConfigs = groupConfigs;
        this.brokerName = brokerName;
        this.schedule = schedule;
        this.retryTopics = retryTopics;
        this.store = store;
        this.storeHost = storeHost;
        this.clockMs = clockMs;
    }

    /** Copies stored in retry topics since start. */
    public long retriedMessages() {
        return retried.sum();
    }

    /** Copies stored in dead-letter queues since start. */
    public long deadLetteredMessages() {
        return deadLettered.sum();
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        try {
            return sendBack(request.readHeader(Headers.ConsumerSendMsgBackRequest.class));
        } catch (RequestRejectedException r) {
            return CompletableFuture.completedFuture(r.toResponse());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Responses.fromFailure(e, "CONSUMER_SEND_MSG_BACK"));
        }
    }

    private CompletableFuture<RemotingCommand> sendBack(Headers.ConsumerSendMsgBackRequest h) {
        validate(h);
        InetSocketAddress host = storeHost.get();
        StoredMessage original = read(h);
        int reconsumeTimes = original.reconsumeTimes() + 1;
        SubscriptionGroupConfig groupConfig = groupConfigs.apply(h.group());
        int maxReconsumeTimes = groupConfig != null ? groupConfig.retryMaxTimes() : h.maxReconsumeTimes();
        boolean dead = h.directToDlq() || reconsumeTimes > maxReconsumeTimes;
        MessageRecord copy;
        long deliverAtMs;
        if (dead) {
            retryTopics.ensureDlqTopic(h.group());
            copy = RetryRecords.deadLetterCopy(original, h.group(), reconsumeTimes, maxReconsumeTimes, host);
            deliverAtMs = 0;
        } else {
            retryTopics.ensureRetryTopic(h.group());
            long delayMs = schedule.delayMs(reconsumeTimes);
            deliverAtMs = clockMs.getAsLong() + delayMs;
            copy = RetryRecords.retryCopy(original, h.group(), reconsumeTimes, maxReconsumeTimes, delayMs, host);
        }
        String topic = copy.topic();
        return store.putSystemMessage(copy).handle((result, failure) -> {
            if (failure != null) {
                return Responses.fromFailure(failure, "CONSUMER_SEND_MSG_BACK of " + original.msgId() + " to " + topic);
            }
            if (dead) {
                deadLettered.increment();
                LOG.info("message {} (origin {}) of group {} failed {} time(s){}; moved to {}", original.msgId(),
                        RetryRecords.originTopic(original), h.group(), reconsumeTimes,
                        h.directToDlq() ? " (sent straight to the DLQ)" : "", topic);
            } else {
                retried.increment();
            }
            return RemotingCommand.success()
                    .writeHeader(new Headers.ConsumerSendMsgBackResponse(topic, reconsumeTimes, deliverAtMs));
        });
    }

    private static void validate(Headers.ConsumerSendMsgBackRequest h) {
        try {
            NameValidator.checkGroup(h.group());
            NameValidator.checkTopic(NameValidator.dlqTopic(h.group()));
        } catch (InvalidNameException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        if (h.maxReconsumeTimes() < 0 || h.maxReconsumeTimes() > MAX_RECONSUME_TIMES_LIMIT) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "maxReconsumeTimes must be in [0, "
                    + MAX_RECONSUME_TIMES_LIMIT + "], was " + h.maxReconsumeTimes());
        }
        if (h.commitLogOffset() < 0 && (h.msgId() == null || h.msgId().isEmpty())) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "give the message's commitLogOffset"
                    + " (or its msgId) as delivered");
        }
    }

    private StoredMessage read(Headers.ConsumerSendMsgBackRequest h) {
        String where = h.commitLogOffset() >= 0 ? "CommitLog offset " + h.commitLogOffset() : "message id " + h.msgId();
        StoredMessage m;
        try {
            m = h.commitLogOffset() >= 0 ? store.store().readByPhysicalOffset(h.commitLogOffset())
                    : store.store().lookByMessageId(h.msgId());
        } catch (OffsetOutOfRangeException | CorruptRecordException | MalformedMessageIdException e) {
            throw new RequestRejectedException(ResponseCode.QUERY_NOT_FOUND, "broker " + brokerName + " has no message"
                    + " at " + where + " (" + e.getMessage() + "); send it back to the broker that delivered it");
        }
        String topic = m.topic();
        if (topic.startsWith(NameValidator.DLQ_PREFIX) || topic.startsWith(NameValidator.SYSTEM_TOPIC_PREFIX)) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "the message at " + where + " is in"
                    + " system topic '" + topic + "', which consumers do not retry");
        }
        return m;
    }
}
