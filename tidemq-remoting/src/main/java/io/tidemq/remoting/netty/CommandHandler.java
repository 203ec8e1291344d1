package io.tidemq.remoting.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * Sends each decoded frame where it belongs: responses to their waiting call, requests to a processor. A response
 * body that came as an {@link InboundResponse} is released here once the call has read it, whether a call waited
 * for it or not; a request body that came as an {@link InboundRequest} is released by the {@link RequestDispatcher}.
 */
@ChannelHandler.Sharable
final class CommandHandler extends ChannelInboundHandlerAdapter {

    private final RequestInvoker invoker;
    private final RequestDispatcher dispatcher;

    CommandHandler(RequestInvoker invoker, RequestDispatcher dispatcher) {
        this.invoker = invoker;
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InboundResponse inbound) {
            try {
                invoker.onResponse(ctx.channel(), inbound.response, inbound.content());
            } finally {
                inbound.release();
            }
        } else if (msg instanceof InboundRequest inbound) {
            // the dispatcher owns the body from here and releases it on every path
            dispatcher.dispatch(NettyRemotingChannel.of(ctx.channel()), inbound.request, inbound.content());
        } else if (msg instanceof RemotingCommand command) {
            if (command.isResponse()) {
                invoker.onResponse(ctx.channel(), command, Unpooled.EMPTY_BUFFER);
            } else {
                dispatcher.dispatch(NettyRemotingChannel.of(ctx.channel()), command, null);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
