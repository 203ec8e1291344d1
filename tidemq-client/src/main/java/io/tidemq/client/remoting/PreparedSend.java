package io.tidemq.client.remoting;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.BodyWriter;
import io.tidemq.remoting.protocol.EncodedFields;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * The header of a SEND_MESSAGE (or SEND_BATCH_MESSAGE) request with every field but the queue id encoded once,
 * when the producer prepares the message: each attempt then copies these bytes and appends its queue id, instead
 * of building a field map of nine strings (numbers printed, properties encoded to UTF-8) per attempt. On the wire
 * it is the same header as {@link Headers.SendMessageRequest} written through the header codec, field by field.
 * Immutable; one per message, shared by its attempts.
 */
public final class PreparedSend {

    /** The field names are the components of {@link Headers.SendMessageRequest} (PreparedSendTest checks them). */
    static final String QUEUE_ID = "queueId";

    private final String topic;
    private final boolean batch;
    private final EncodedFields fieldsButQueueId;

    private PreparedSend(String topic, boolean batch, EncodedFields fieldsButQueueId) {
        this.topic = topic;
        this.batch = batch;
        this.fieldsButQueueId = fieldsButQueueId;
    }

    /** Encodes {@code header}'s fields but its queue id (which each attempt gives). */
    public static PreparedSend of(Headers.SendMessageRequest header) {
        int expectedBytes = 9 * EncodedFields.asciiFieldBytes("bornTimestampMs", 20)
                + chars(header.producerGroup()) + chars(header.topic()) + chars(header.properties());
        EncodedFields.Builder fields = EncodedFields.builder(expectedBytes)
                .put("producerGroup", header.producerGroup())
                .put("topic", header.topic())
                .put("sysFlag", header.sysFlag())
                .put("bornTimestampMs", header.bornTimestampMs())
                .put("flag", header.flag())
                .put("properties", header.properties())
                .put("reconsumeTimes", header.reconsumeTimes())
                .put("batch", header.batch());
        if (header.compactIds() != null) {
            fields.put("compactIds", header.compactIds().booleanValue());
        }
        return new PreparedSend(header.topic(), header.batch(), fields.build());
    }

    private static int chars(String s) {
        return s == null ? 0 : s.length();
    }

    public String topic() {
        return topic;
    }

    /** A fresh request for {@code queueId} (the transport owns a command once sent, so each attempt builds one). */
    RemotingCommand request(int queueId, byte[] body) {
        return request(queueId, BodyWriter.of(body));
    }

    /** As {@link #request(int, byte[])}, with a body the frame encoder writes straight into the frame. */
    RemotingCommand request(int queueId, SendBody body) {
        return request(queueId, body.writer());
    }

    private RemotingCommand request(int queueId, BodyWriter body) {
        return RemotingCommand.createRequest(batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE)
                .withEncodedFields(fieldsButQueueId.plus(QUEUE_ID, queueId))
                .setBodyWriter(body);
    }
}
