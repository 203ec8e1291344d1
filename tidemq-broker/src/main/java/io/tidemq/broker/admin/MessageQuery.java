package io.tidemq.broker.admin;

import io.tidemq.broker.wire.DeliveredEncoder;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.StoredMessage;

import java.util.ArrayList;
import java.util.List;

/** QUERY_MESSAGE_BY_ID, QUERY_MESSAGE_BY_KEY and QUERY_QUEUE_MESSAGES; bodies in the delivered-message format. */
final class MessageQuery {

    /** Most messages one key query returns, whatever the caller asks. */
    static final int MAX_KEY_RESULTS = 64;
    /** Most messages one queue query returns, whatever the caller asks. */
    static final int MAX_QUEUE_RESULTS = 256;
    /** Most message bytes one queue query returns (the response stays well under the frame limit). */
    static final long MAX_QUEUE_RESULT_BYTES = 4L << 20;

    private final MessageStore store;
    private final DeliveredEncoder encoder = new DeliveredEncoder();

    MessageQuery(MessageStore store) {
        this.store = store;
    }

    RemotingCommand byId(RemotingCommand request) {
        String msgId = request.readHeader(Headers.MessageIdRequest.class).msgId();
        if (msgId == null) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "header field 'msgId' is required");
        }
        StoredMessage m;
        try {
            m = store.lookByMessageId(msgId);
        } catch (OffsetOutOfRangeException | CorruptRecordException e) {
            m = null;
        }
        if (m == null) {
            return RemotingCommand.createResponse(ResponseCode.QUERY_NOT_FOUND, "no message with id " + msgId
                    + " on this broker (it may have been deleted by retention)");
        }
        return RemotingCommand.success().setBody(encoder.encode(List.of(m)));
    }

    /**
     * Messages of one queue from an offset, in offset order, up to a count, a byte budget and (optionally) a
     * store time; the response header says whether the range was read to its end.
     */
    RemotingCommand byQueue(RemotingCommand request) {
        Headers.QueueMessagesRequest h = request.readHeader(Headers.QueueMessagesRequest.class);
        if (h.topic() == null) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "header field 'topic' is required");
        }
        NameValidator.checkTopic(h.topic());
        if (h.queueId() < 0 || h.queueOffset() < 0) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "queueId and queueOffset must be >= 0,"
                    + " were " + h.queueId() + " and " + h.queueOffset());
        }
        int max = Math.max(1, Math.min(h.maxNum(), MAX_QUEUE_RESULTS));
        long end = h.endTimestampMs() <= 0 ? Long.MAX_VALUE : h.endTimestampMs();
        GetResult r = store.getMessages(h.topic(), h.queueId(), h.queueOffset(), max, MAX_QUEUE_RESULT_BYTES, null);
        List<StoredMessage> kept = new ArrayList<>(r.messages().size());
        long next = r.status() == GetStatus.FOUND ? h.queueOffset() : r.nextBeginOffset();
        boolean timeBoundReached = false;
        for (StoredMessage m : r.messages()) {
            if (m.storeTimestampMs() > end) {
                timeBoundReached = true;
                break;
            }
            kept.add(m);
            next = m.queueOffset() + 1;
        }
        if (r.status() == GetStatus.FOUND && !timeBoundReached) {
            next = r.nextBeginOffset();
        }
        boolean complete = timeBoundReached || next >= r.maxOffset();
        RemotingCommand response = RemotingCommand.success()
                .writeHeader(new Headers.QueueMessagesResponse(next, r.minOffset(), r.maxOffset(), complete));
        return kept.isEmpty() ? response : response.setBody(encoder.encode(kept));
    }

    RemotingCommand byKey(RemotingCommand request) {
        Headers.MessageKeyRequest h = request.readHeader(Headers.MessageKeyRequest.class);
        if (h.topic() == null || h.key() == null || h.key().isEmpty()) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER,
                    "header fields 'topic' and 'key' are required");
        }
        NameValidator.checkTopic(h.topic());
        int max = Math.max(1, Math.min(h.maxNum(), MAX_KEY_RESULTS));
        long end = h.endTimestampMs() <= 0 ? Long.MAX_VALUE : h.endTimestampMs();
        List<StoredMessage> found = store.queryByKey(h.topic(), h.key(), max, h.beginTimestampMs(), end);
        if (found.isEmpty()) {
            return RemotingCommand.createResponse(ResponseCode.QUERY_NOT_FOUND, "no message of topic " + h.topic()
                    + " with key '" + h.key() + "' in the time range");
        }
        return RemotingCommand.success().setBody(encoder.encode(found));
    }
}
