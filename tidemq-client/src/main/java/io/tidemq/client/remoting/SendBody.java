package io.tidemq.client.remoting;

import io.tidemq.remoting.protocol.BodyWriter;

/**
 * The body of a send request, as the producer hands it to {@link ClientRemotingApi}: one message's body, or a
 * batch's entries, which the frame encoder writes from the messages' own arrays straight into the request's frame
 * ({@link BatchBody}). Immutable; each attempt of a send writes it again.
 */
public final class SendBody {

    private final BodyWriter writer;

    private SendBody(BodyWriter writer) {
        this.writer = writer;
    }

    /** One message's body (kept, not copied). */
    public static SendBody of(byte[] body) {
        return new SendBody(BodyWriter.of(body));
    }

    /**
     * A batch: entry {@code i} is message {@code i}'s flag, body and encoded properties (with its UNIQ_KEY), in the
     * batch entry layout of {@link io.tidemq.common.message.MessageCodec}. The arrays are kept, not copied.
     */
    public static SendBody batch(int[] flags, byte[][] bodies, byte[][] properties) {
        return new SendBody(new BatchBody(flags, bodies, properties));
    }

    /** Bytes on the wire. */
    public int bytes() {
        return writer.bodyBytes();
    }

    /** What the frame encoder writes (the transport's view; public for the benchmarks). */
    public BodyWriter writer() {
        return writer;
    }
}
