package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A body the frame encoder writes straight into the outgoing frame, instead of copying a {@code byte[]} the sender
 * built first: a producer's batch is encoded from its messages' own arrays into the pooled buffer the I/O thread
 * writes to the socket (one copy of each body instead of two, and no batch-sized array per request). It may be
 * written more than once (a retried request is encoded again), so it must not change once handed to a command.
 */
public interface BodyWriter {

    /** The exact number of bytes {@link #writeBody} writes. */
    int bodyBytes();

    /** Writes the body at {@code out}'s writer index: exactly {@link #bodyBytes()} bytes. */
    void writeBody(ByteBuf out);

    /** The body {@code array}, written as it is (kept, not copied). */
    static BodyWriter of(byte[] array) {
        return new ArrayBody(array);
    }

    /** A body that is an array already; {@link RemotingCommand#setBodyWriter(BodyWriter)} keeps the array itself. */
    record ArrayBody(byte[] array) implements BodyWriter {
        @Override
        public int bodyBytes() {
            return array.length;
        }

        @Override
        public void writeBody(ByteBuf out) {
            out.writeBytes(array);
        }
    }
}
