package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.tidemq.remoting.protocol.FrameCodec;

/**
 * Encodes {@link OutboundFrame}s into one pooled direct buffer each, sized up front so encoding never
 * grows it. A frame over {@code maxFrameBytes} fails its write (the sender gets the error) and nothing is
 * sent; the buffer is released by {@link MessageToByteEncoder} on failure and by the transport after the
 * write.
 */
@ChannelHandler.Sharable
final class FrameEncoder extends MessageToByteEncoder<OutboundFrame> {

    private final int maxFrameBytes;

    FrameEncoder(int maxFrameBytes) {
        super(OutboundFrame.class, true);
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, OutboundFrame frame, boolean preferDirect) {
        return ctx.alloc().ioBuffer(FrameCodec.maxEncodedBytes(frame.command()));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, OutboundFrame frame, ByteBuf out) {
        FrameCodec.encode(frame.command(), frame.opaque(), frame.flags(), out, maxFrameBytes);
    }
}
