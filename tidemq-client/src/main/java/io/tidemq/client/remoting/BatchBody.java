package io.tidemq.client.remoting;

import io.netty.buffer.ByteBuf;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.remoting.protocol.BodyWriter;

import java.nio.ByteBuffer;

/**
 * The body of a SEND_BATCH_MESSAGE request: its messages' batch entries ({@link MessageCodec}'s layout), written by
 * the frame encoder from the messages' own arrays straight into the outgoing frame. Before, the sending thread
 * encoded the batch into an array of its own (about 32 KiB per request of the async accumulator) and the encoder
 * copied that array again. Immutable (the arrays are the messages', never changed), so a retried request writes
 * it again.
 */
final class BatchBody implements BodyWriter {

    private final int[] flags;
    private final byte[][] bodies;
    private final byte[][] properties;
    private final int bytes;

    /** The arrays are kept, not copied; entry {@code i} is {@code flags[i]}, {@code bodies[i]}, {@code properties[i]}. */
    BatchBody(int[] flags, byte[][] bodies, byte[][] properties) {
        this.flags = flags;
        this.bodies = bodies;
        this.properties = properties;
        int total = 0;
        for (int i = 0; i < bodies.length; i++) {
            total += MessageCodec.batchEntryBytes(bodies[i].length, properties[i].length);
        }
        this.bytes = total;
    }

    @Override
    public int bodyBytes() {
        return bytes;
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.ensureWritable(bytes);
        if (out.nioBufferCount() == 1) {
            // the frame encoder's pooled buffer: MessageCodec writes the entries through a view of its memory
            put(out.nioBuffer(out.writerIndex(), bytes));
        } else {
            ByteBuffer array = ByteBuffer.allocate(bytes);
            put(array);
            out.setBytes(out.writerIndex(), array.array());
        }
        out.writerIndex(out.writerIndex() + bytes);
    }

    private void put(ByteBuffer target) {
        for (int i = 0; i < bodies.length; i++) {
            MessageCodec.putBatchEntry(target, flags[i], bodies[i], properties[i]);
        }
    }
}
