package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test helper: a command as the peer reads it, encoded into a frame and decoded again as a received frame. */
public final class WireRoundTrip {

    private WireRoundTrip() {
    }

    /** {@code command} encoded with the default frame limit and decoded from those bytes. */
    public static RemotingCommand roundTrip(RemotingCommand command) throws MalformedFrameException {
        ByteBuf buf = Unpooled.buffer(FrameCodec.maxEncodedBytes(command));
        try {
            FrameCodec.encode(command, 1, 0, buf, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            int total = buf.readInt();
            int headerLength = buf.readInt();
            return FrameCodec.decode(buf, headerLength, total - FrameLayout.HEADER_LENGTH_FIELD_BYTES - headerLength);
        } finally {
            buf.release();
        }
    }
}
