package io.tidemq.broker.retry;

import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.DeliveredEncoder;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin side of dead-letter queues, on the admin executor:
 * <ul>
 *   <li>GET_DLQ_MESSAGES reads {@code %DLQ%<group>} (write-only for consumers) from an offset;</li>
 *   <li>RESEND_DLQ_MESSAGES puts dead letters back into {@code %RETRY%<group>}, due at once with their
 *       reconsume count reset, so only the group that failed them gets them again (re-putting into the
 *       original topic would deliver them a second time to every other group subscribed to it). One message
 *       by id, or every message past the group's resend cursor, which is kept as the group's committed offset
 *       of the DLQ queue so resending "all" twice does not duplicate; messages resent by id ahead of the cursor
 *       are remembered ({@link ResentDeadLetters}) and skipped by "all".</li>
 * </ul>
 */
public final class DeadLetterAdminProcessor implements SyncRequestProcessor {

    /** The request codes this processor serves. */
    public static final List<RequestCode> CODES = List.of(RequestCode.GET_DLQ_MESSAGES, RequestCode.RESEND_DLQ_MESSAGES);

    /** Most messages one GET_DLQ_MESSAGES returns. */
    public static final int MAX_LIST = 256;
    private static final long MAX_LIST_BYTES = 16L << 20;

    private final String brokerName;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final MessageStore store;
    private final DeadLetterResender resender;
    private final ResentDeadLetters resentById;
    private final DeliveredEncoder encoder = new DeliveredEncoder();

    public DeadLetterAdminProcessor(String brokerName, TopicConfigManager topics, ConsumerOffsetManager offsets,
                                    BrokerStore store, RetryTopics retryTopics,
                                    Supplier<InetSocketAddress> storeHost, Path resentByIdFile) {
        this.brokerName = brokerName;
        this.topics = topics;
        this.offsets = offsets;
        this.store = store.store();
        this.resender = new DeadLetterResender(store, retryTopics, storeHost);
        this.resentById = new ResentDeadLetters(resentByIdFile);
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        try {
            RequestCode code = RequestCode.fromCode(request.code());
            if (code == RequestCode.GET_DLQ_MESSAGES) {
                return list(request.readHeader(Headers.DlqMessagesRequest.class));
            }
            if (code == RequestCode.RESEND_DLQ_MESSAGES) {
                return resend(request.readHeader(Headers.DlqResendRequest.class));
            }
            throw new RequestRejectedException(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                    RequestCode.describe(request.code()) + " is not a dead-letter admin request");
        } catch (RequestRejectedException r) {
            return r.toResponse();
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    private RemotingCommand list(Headers.DlqMessagesRequest h) {
        String dlq = existingDlq(h.consumerGroup());
        if (h.maxNum() < 1) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "maxNum must be >= 1, was " + h.maxNum());
        }
        long min = store.minQueueOffset(dlq, RetryTopics.QUEUE_ID);
        long from = h.queueOffset() < 0 ? min : h.queueOffset();
        GetResult r = store.getMessages(dlq, RetryTopics.QUEUE_ID, from, Math.min(h.maxNum(), MAX_LIST),
                MAX_LIST_BYTES, null);
        long next = r.messages().isEmpty() ? Math.max(from, r.nextBeginOffset()) : r.nextBeginOffset();
        return RemotingCommand.success()
                .writeHeader(new Headers.PullMessageResponse(next, r.minOffset(), r.maxOffset()))
                .setBody(encoder.encode(r.messages()));
    }

    /** Serialized (admin requests are rare), so a by-id resend and a resend of all never interleave. */
    private synchronized RemotingCommand resend(Headers.DlqResendRequest h) {
        String dlq = existingDlq(h.consumerGroup());
        long cursor = offsets.query(h.consumerGroup(), dlq, RetryTopics.QUEUE_ID);
        if (h.msgId() != null && !h.msgId().isEmpty()) {
            StoredMessage m = byId(dlq, h.msgId());
            resender.resendOne(h.consumerGroup(), m);
            resentById.add(dlq, m.queueOffset(), cursor);
            return RemotingCommand.success().writeHeader(new Headers.DlqResendResponse(1, 0));
        }
        DeadLetterResender.Progress p = resender.resendFrom(h.consumerGroup(), dlq, cursor,
                offset -> resentById.contains(dlq, offset));
        offsets.commit(h.consumerGroup(), dlq, RetryTopics.QUEUE_ID, p.nextOffset());
        resentById.forgetBelow(dlq, p.nextOffset());
        if (p.failure() != null) {
            throw p.failure();
        }
        return RemotingCommand.success().writeHeader(new Headers.DlqResendResponse(p.resent(), p.remaining()));
    }

    private StoredMessage byId(String dlq, String msgId) {
        StoredMessage m;
        try {
            m = store.lookByMessageId(msgId);
        } catch (MalformedMessageIdException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        } catch (OffsetOutOfRangeException | CorruptRecordException e) {
            throw new RequestRejectedException(ResponseCode.QUERY_NOT_FOUND, "broker " + brokerName
                    + " has no message " + msgId + " (" + e.getMessage() + ")");
        }
        if (!m.topic().equals(dlq)) {
            throw new RequestRejectedException(ResponseCode.QUERY_NOT_FOUND, "message " + msgId + " is in topic '"
                    + m.topic() + "', not in the dead-letter queue " + dlq + " on broker " + brokerName
                    + "; list the group's dead letters with: tidemq admin dlq list --group <group>");
        }
        return m;
    }

    private String existingDlq(String group) {
        try {
            NameValidator.checkGroup(group);
        } catch (InvalidNameException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        }
        String dlq = NameValidator.dlqTopic(group);
        if (topics.get(dlq) == null) {
            throw new RequestRejectedException(ResponseCode.TOPIC_NOT_EXIST, "consumer group '" + group + "' has no"
                    + " dead-letter queue on broker " + brokerName + ": none of its messages was dead-lettered here");
        }
        return dlq;
    }
}
