package io.tidemq.broker.admin;

import io.tidemq.broker.processor.DeliveredEncoder;
import io.tidemq.broker.processor.RequestRejectedException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.CorruptRecordException;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.OffsetOutOfRangeException;
import io.tidemq.store.StoredMessage;

import java.util.List;

/** QUERY_MESSAGE_BY_ID and QUERY_MESSAGE_BY_KEY; bodies in the delivered-message format. */
final class MessageQuery {

    /** Most messages one key query returns, whatever the caller asks. */
    static final int MAX_KEY_RESULTS = 64;

    private final DefaultMessageStore store;
    private final DeliveredEncoder encoder = new DeliveredEncoder();

    MessageQuery(DefaultMessageStore store) {
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
