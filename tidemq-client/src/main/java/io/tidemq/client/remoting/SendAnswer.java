package io.tidemq.client.remoting;

import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * A broker's answer to SEND_MESSAGE or SEND_BATCH_MESSAGE: the code, the remark and, when the message was
 * stored, where. The producer weighs the code itself (a stored-but-not-durable code is a result, a refusal
 * is retried or thrown). The header is read on demand, on the caller's thread, so a malformed answer fails
 * there. Immutable once received.
 */
public final class SendAnswer {

    private final RemotingCommand response;

    SendAnswer(RemotingCommand response) {
        this.response = response;
    }

    public int code() {
        return response.code();
    }

    /** The code as a constant, or {@code null} when this build does not know it. */
    public ResponseCode responseCode() {
        return ResponseCode.fromCode(response.code());
    }

    public String remark() {
        return response.remark();
    }

    /** Whether the answer says where the message was stored (a broker may leave it out of a non-SUCCESS code). */
    public boolean hasStorePosition() {
        return response.hasField("queueOffset");
    }

    /** Where the message was stored; throws when the answer does not say (see {@link #hasStorePosition()}). */
    public Headers.SendMessageResponse header() {
        return response.readHeader(Headers.SendMessageResponse.class);
    }
}
