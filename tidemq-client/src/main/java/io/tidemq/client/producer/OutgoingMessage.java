package io.tidemq.client.producer;

import io.tidemq.client.remoting.PreparedSend;
import io.tidemq.client.remoting.SendBody;
import io.tidemq.common.protocol.header.Headers;

/**
 * A message (or batch) ready for the wire: everything of the SEND_MESSAGE request but the queue, which each
 * attempt picks anew, with the header encoded once ({@link PreparedSend}). Immutable.
 */
record OutgoingMessage(String topic, PreparedSend header, SendBody body, String uniqueId) {

    static OutgoingMessage of(String producerGroup, String topic, int flag, String properties, byte[] body,
                              boolean batch, long bornTimestampMs, String uniqueId) {
        return of(producerGroup, topic, flag, properties, SendBody.of(body), batch, bornTimestampMs, uniqueId);
    }

    /** With a body written straight into each attempt's frame (a batch: {@link SendBody#batch}). */
    static OutgoingMessage of(String producerGroup, String topic, int flag, String properties, SendBody body,
                              boolean batch, long bornTimestampMs, String uniqueId) {
        // queueId 0 is a placeholder: PreparedSend leaves it out, each attempt writes its own; a batch's answer comes
        // with its ids in the compact form, which MessageSender reads
        PreparedSend header = PreparedSend.of(new Headers.SendMessageRequest(producerGroup, topic, 0, 0,
                bornTimestampMs, flag, properties, 0, batch, batch ? Boolean.TRUE : null));
        return new OutgoingMessage(topic, header, body, uniqueId);
    }
}
