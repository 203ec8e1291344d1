package io.tidemq.client.producer;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * A message (or batch) ready for the wire: everything of the SEND_MESSAGE request but the queue, which
 * each attempt picks anew. Immutable.
 */
record OutgoingMessage(String producerGroup, String topic, int flag, String properties, byte[] body,
                       boolean batch, long bornTimestampMs, String uniqueId) {

    /** A fresh request for {@code queueId}: the transport owns a command once sent, so each attempt builds one. */
    RemotingCommand request(int queueId) {
        return RemotingCommand.createRequest(batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest(producerGroup, topic, queueId, 0, bornTimestampMs, flag,
                        properties, 0, batch))
                .setBody(body);
    }
}
