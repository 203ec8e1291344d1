package io.tidemq.broker.processor;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.stats.BrokerStats;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.transaction.HalfMessages;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.message.MalformedMessageException;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;

/**
 * SEND_MESSAGE and SEND_BATCH_MESSAGE: validates the request, turns it into the store's records and answers
 * when the store's put completes. The executor thread never waits for the put (a SYNC flush completes the
 * future from the flush thread), so a few send threads keep many puts in flight.
 */
public final class SendMessageProcessor implements RequestProcessor {

    /** The configuration at start, for the keys read once (names, size limits). */
    private final BrokerConfig config;
    /** The configuration in force, for the keys an operator changes at run time (autoCreateTopic, maxBatchMessages). */
    private final Supplier<BrokerConfig> live;
    private final TopicConfigManager topics;
    /** The put door: it stores halves in the half topic and diverts delayed messages to the timer topic. */
    private final BrokerStore store;
    private final String brokerName;
    private final BrokerStats stats;
    /** Set once the server is bound (the port may be ephemeral); sends before that are refused. */
    private volatile InetSocketAddress storeHost;

    public SendMessageProcessor(Supplier<BrokerConfig> live, TopicConfigManager topics, BrokerStore store,
                                BrokerStats stats) {
        this.live = live;
        this.config = live.get();
        this.stats = stats;
        this.topics = topics;
        this.store = store;
        this.brokerName = config.brokerName();
    }

    public void storeHost(InetSocketAddress storeHost) {
        this.storeHost = storeHost;
    }

    /**
     * The request's body is read where it was received: a message's body goes from the receive buffer straight into
     * the CommitLog (the store's put copies it before returning, so nothing here reads it once this returns).
     */
    @Override
    public boolean readsBodyInPlace() {
        return true;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        try {
            return send(channel, request);
        } catch (RequestRejectedException r) {
            return CompletableFuture.completedFuture(r.toResponse());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Responses.fromFailure(e, RequestCode.describe(request.code())));
        }
    }

    private CompletableFuture<RemotingCommand> send(RemotingChannel channel, RemotingCommand request) {
        InetSocketAddress host = storeHost;
        if (host == null) {
            throw new RequestRejectedException(ResponseCode.SERVICE_NOT_AVAILABLE, "broker " + brokerName
                    + " is starting; retry shortly");
        }
        Headers.SendMessageRequest h = request.readHeader(Headers.SendMessageRequest.class);
        TopicConfig topic = writableTopic(h.topic());
        if (h.queueId() < 0 || h.queueId() >= topic.writeQueueNums()) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "queueId " + h.queueId() + " is out of range for"
                    + " topic '" + h.topic() + "', which has " + topic.writeQueueNums() + " write queues on broker "
                    + brokerName + "; refresh the topic route");
        }
        boolean batch = h.batch() || request.code() == RequestCode.SEND_BATCH_MESSAGE.code();
        int bodyBytes = request.bodyBytes();
        checkBodySize(bodyBytes, batch ? "batch" : "message body");
        InetSocketAddress bornHost = channel.remoteSocketAddress();
        if (batch) {
            return sendBatch(h, request.bodyBuffer().nioBuffer(), bodyBytes, bornHost, host);
        }
        if (bodyBytes == 0) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "message body is empty; send at least one byte");
        }
        // the body stays in the receive buffer until the put copies it into the CommitLog
        ByteBuffer body = request.bodyBuffer().nioBuffer();
        MessageRecord record = withProperties(baseRecord(h, bornHost, host), h.properties())
                .body(body, body.position(), bodyBytes)
                .build();
        checkPropertiesSize(record);
        if (HalfMessages.isPrepared(record.properties())) {
            return sendHalf(h, record);
        }
        long startNanos = System.nanoTime();
        return store.putUserMessage(record, h.producerGroup()).handle((result, failure) -> {
            if (failure != null) {
                stats.putFailures.increment();
                stats.traffic().storeFailed(h.topic(), 1);
                return Responses.fromPutFailure(failure, "SEND_MESSAGE to " + h.topic(), h.queueId(), null);
            }
            stats.putMessages.increment();
            stats.putBytes.add(bodyBytes);
            stats.traffic().stored(h.topic(), 1, bodyBytes, System.nanoTime() - startNanos);
            return success(result, h.queueId(), false);
        });
    }

    /**
     * Stores the half of a transaction (the put door stores it in the half topic, never through the delay
     * diversion: a delay applies from the commit on) and answers with its transaction id.
     */
    private CompletableFuture<RemotingCommand> sendHalf(Headers.SendMessageRequest h, MessageRecord record) {
        long startNanos = System.nanoTime();
        return store.putUserMessage(record, h.producerGroup()).handle((result, failure) -> {
            if (failure != null) {
                stats.putFailures.increment();
                stats.traffic().storeFailed(h.topic(), 1);
                return Responses.fromPutFailure(failure, "SEND_MESSAGE (half) to " + h.topic(), h.queueId(),
                        record.properties().get(MessageConst.UNIQ_KEY));
            }
            stats.putMessages.increment();
            stats.putBytes.add(record.bodyLength());
            stats.traffic().stored(h.topic(), 1, record.bodyLength(), System.nanoTime() - startNanos);
            return RemotingCommand.success().writeHeader(new Headers.SendMessageResponse(result.msgId(), h.queueId(),
                    result.queueOffset(), record.properties().get(MessageConst.UNIQ_KEY)));
        });
    }

    private CompletableFuture<RemotingCommand> sendBatch(Headers.SendMessageRequest h, ByteBuffer body, int bodyBytes,
                                                         InetSocketAddress bornHost, InetSocketAddress host) {
        List<MessageRecord> records = new ArrayList<>();
        try {
            // each record's body stays in the receive buffer until the append copies it into the CommitLog
            MessageCodec.forEachBatchEntry(body, live.get().maxBatchMessages(), (index, flag, batch, bodyOffset, bodyLength,
                                                                                  properties) -> {
                checkBodySize(bodyLength, "message body");
                if (bodyLength == 0) {
                    throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "message " + index
                            + " of the batch has an empty body; send at least one byte");
                }
                MessageRecord.Builder builder = MessageRecord.builder(h.topic(), h.queueId());
                try {
                    builder.encodedProperties(properties);
                } catch (InvalidMessageException e) {
                    throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "message " + index
                            + " of the batch: " + e.getCause().getMessage());
                }
                MessageRecord record = builder
                        .flag(flag)
                        .sysFlag(h.sysFlag())
                        .body(batch, bodyOffset, bodyLength)
                        .bornTimestampMs(h.bornTimestampMs())
                        .bornHost(bornHost)
                        .storeHost(host)
                        .reconsumeTimes(h.reconsumeTimes())
                        .build();
                if (HalfMessages.isPrepared(record.properties())) {
                    throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "message " + index
                            + " of the batch is transactional; send transactional messages one by one");
                }
                checkPropertiesSize(record);
                records.add(record);
            });
        } catch (MalformedMessageException e) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "batch is malformed: " + e.getMessage());
        }
        if (records.isEmpty()) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "batch holds no message; send at least one");
        }
        // a producer that reads the compact form derives the ids after the first: none is written for them here
        boolean compactIds = Boolean.TRUE.equals(h.compactIds());
        long startNanos = System.nanoTime();
        return store.putUserMessages(records).handle((result, failure) -> {
            if (failure != null) {
                stats.putFailures.add(records.size());
                stats.traffic().storeFailed(h.topic(), records.size());
                return Responses.fromPutFailure(failure, "SEND_BATCH_MESSAGE to " + h.topic(), h.queueId(), null,
                        compactIds);
            }
            stats.putMessages.add(records.size());
            stats.putBytes.add(bodyBytes);
            stats.traffic().stored(h.topic(), records.size(), bodyBytes, System.nanoTime() - startNanos);
            return success(result, h.queueId(), compactIds);
        });
    }

    private MessageRecord.Builder baseRecord(Headers.SendMessageRequest h, InetSocketAddress bornHost,
                                             InetSocketAddress host) {
        return MessageRecord.builder(h.topic(), h.queueId())
                .flag(h.flag())
                .sysFlag(h.sysFlag())
                .bornTimestampMs(h.bornTimestampMs())
                .bornHost(bornHost)
                .storeHost(host)
                .reconsumeTimes(h.reconsumeTimes());
    }

    private TopicConfig writableTopic(String name) {
        try {
            NameValidator.checkTopic(name);
        } catch (InvalidNameException e) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, e.getMessage());
        }
        TopicConfig topic = topics.get(name);
        if (topic == null) {
            if (!live.get().autoCreateTopic() || NameValidator.isSystemTopic(name)) {
                throw new RequestRejectedException(ResponseCode.TOPIC_NOT_EXIST, "topic '" + name + "' does not exist on broker "
                        + brokerName + "; create it first (tidemq admin topic create) or enable autoCreateTopic");
            }
            topic = topics.getOrCreate(name);
        }
        if (!Perm.isWritable(topic.perm())) {
            throw new RequestRejectedException(ResponseCode.NO_PERMISSION, "topic '" + name + "' is not writable on broker "
                    + brokerName + " (perm " + Perm.toString(topic.perm()) + ")");
        }
        return topic;
    }

    private void checkBodySize(int bytes, String what) {
        if (bytes > config.maxMessageBytes()) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_TOO_LARGE, what + " is " + bytes + " bytes; broker "
                    + brokerName + " accepts at most maxMessageBytes=" + config.maxMessageBytes()
                    + " bytes: send a smaller message (or smaller batches)");
        }
    }

    private void checkPropertiesSize(MessageRecord record) {
        int bytes = record.propertiesBytes().length;
        if (bytes > config.maxPropertiesBytes()) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_TOO_LARGE, "message properties are " + bytes + " bytes; broker "
                    + brokerName + " accepts at most maxPropertiesBytes=" + config.maxPropertiesBytes() + " bytes");
        }
    }

    /** The producer's encoded properties, kept as they came when canonical (no re-encoding per send). */
    private static MessageRecord.Builder withProperties(MessageRecord.Builder builder, String encoded) {
        try {
            return builder.encodedProperties(encoded);
        } catch (InvalidMessageException e) {
            throw new RequestRejectedException(ResponseCode.MESSAGE_ILLEGAL, "header field 'properties' is malformed: "
                    + e.getCause().getMessage());
        }
    }

    private static RemotingCommand success(PutResult result, int queueId, boolean compactIds) {
        return RemotingCommand.success().writeHeader(Responses.stored(result, queueId, null, compactIds));
    }
}
