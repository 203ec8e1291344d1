package io.tidemq.client.remoting;

import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;

/**
 * A broker's answer to PULL_MESSAGE: the code, the remark, the offsets the broker sent and the body holding
 * the messages. The request layer does not decode the body: the consumer does (its layout is the pull
 * delivery format of docs/protocol.md). Fields are read on demand, on the caller's thread, so a malformed
 * answer fails there. Immutable once received.
 */
public final class PullAnswer {

    private final RemotingCommand response;

    PullAnswer(RemotingCommand response) {
        this.response = response;
    }

    public int code() {
        return response.code();
    }

    public String remark() {
        return response.remark();
    }

    /** The offsets of a SUCCESS answer. */
    public Headers.PullMessageResponse header() {
        return response.readHeader(Headers.PullMessageResponse.class);
    }

    /** The body: the messages in the pull delivery format; empty when there are none. */
    public ByteBuffer body() {
        return ByteBuffer.wrap(response.body());
    }

    /** The offset to pull next, or {@code ifAbsent} when the answer does not say. */
    public long nextBeginOffset(long ifAbsent) {
        return response.fieldAsLong("nextBeginOffset", ifAbsent);
    }

    public boolean hasMinOffset() {
        return response.hasField("minOffset");
    }

    /** The queue's smallest offset; present with OFFSET_TOO_SMALL ({@link #hasMinOffset()}). */
    public long minOffset() {
        return response.fieldAsLong("minOffset");
    }

    public boolean hasMaxOffset() {
        return response.hasField("maxOffset");
    }

    /** The queue's end; present with OFFSET_OUT_OF_RANGE ({@link #hasMaxOffset()}). */
    public long maxOffset() {
        return response.fieldAsLong("maxOffset");
    }
}
