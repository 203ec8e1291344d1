package io.tidemq.client.producer;

import io.tidemq.common.protocol.header.Headers;

/**
 * A message (or batch) ready for the wire: everything of the SEND_MESSAGE request but the queue, which
 * each attempt picks anew. Immutable.
 */
record OutgoingMessage(String producerGroup, String topic, int flag, String properties, byte[] body,
                       boolean batch, long bornTimestampMs, String uniqueId) {

    /** The request header of an attempt on {@code queueId}. */
    Headers.SendMessageRequest header(int queueId) {
        return new Headers.SendMessageRequest(producerGroup, topic, queueId, 0, bornTimestampMs, flag, properties, 0,
                batch);
    }
}
