package io.tidemq.client.remoting;

import io.tidemq.common.message.DeliveredRecords;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A broker's answer to PULL_MESSAGE: the code, the remark, the offsets the broker sent and the messages. The
 * messages of a SUCCESS answer are decoded on the network thread straight from the body where it arrived
 * ({@link #read}: one copy of each message's body and properties, no {@code byte[]} of the whole body in
 * between); a body that does not decode is kept as its error and thrown by {@link #messages()} on the caller's
 * thread, as the header fields are, so a malformed answer fails there. Immutable once received.
 */
public final class PullAnswer {

    private final RemotingCommand response;
    private final List<MessageExt> messages;
    /** Why the body did not decode, or null. */
    private final RuntimeException malformed;
    private final int bodyBytes;

    private PullAnswer(RemotingCommand response, List<MessageExt> messages, RuntimeException malformed, int bodyBytes) {
        this.response = response;
        this.messages = messages;
        this.malformed = malformed;
        this.bodyBytes = bodyBytes;
    }

    /**
     * Reads {@code response} and its {@code body} (a view valid only during this call) for a pull of
     * {@code pulledTopic}: the messages keep copies, never the view.
     */
    static PullAnswer read(RemotingCommand response, ByteBuffer body, String pulledTopic) {
        int bytes = body.remaining();
        if (response.code() != ResponseCode.SUCCESS.code() || bytes == 0) {
            return new PullAnswer(response, List.of(), null, bytes);
        }
        try {
            return new PullAnswer(response, DeliveredRecords.decodeCopying(body, pulledTopic), null, bytes);
        } catch (RuntimeException e) {
            return new PullAnswer(response, List.of(), e, bytes);
        }
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

    /**
     * The messages of a SUCCESS answer in queue order (empty for other codes).
     *
     * @throws io.tidemq.common.message.MalformedMessageException when the body's records did not decode
     */
    public List<MessageExt> messages() {
        if (malformed != null) {
            throw malformed;
        }
        return messages;
    }

    /** The size of the body the broker sent, in bytes. */
    public int bodyBytes() {
        return bodyBytes;
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
