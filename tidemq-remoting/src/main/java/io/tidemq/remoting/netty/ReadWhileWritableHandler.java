package io.tidemq.remoting.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Server-side backpressure: a connection whose outbound buffer is above its high-water mark (the peer does not
 * read its responses) is not read from until the buffer drains below the low-water mark, so a client pipelining
 * requests cannot make the server queue responses without bound. Only servers use it: a client must always read
 * responses, or a client and a server that both stopped reading would wait for each other forever.
 * Stateless; runs on the connection's I/O thread.
 */
@ChannelHandler.Sharable
final class ReadWhileWritableHandler extends ChannelInboundHandlerAdapter {

    static final ReadWhileWritableHandler INSTANCE = new ReadWhileWritableHandler();

    private ReadWhileWritableHandler() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
