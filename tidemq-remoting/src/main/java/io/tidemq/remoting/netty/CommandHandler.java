package io.tidemq.remoting.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.tidemq.remoting.protocol.RemotingCommand;

/** Sends each decoded frame where it belongs: responses to their waiting call, requests to a processor. */
@ChannelHandler.Sharable
final class CommandHandler extends SimpleChannelInboundHandler<RemotingCommand> {

    private final RequestInvoker invoker;
    private final RequestDispatcher dispatcher;

    CommandHandler(RequestInvoker invoker, RequestDispatcher dispatcher) {
        super(RemotingCommand.class, false);
        this.invoker = invoker;
        this.dispatcher = dispatcher;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RemotingCommand command) {
        if (command.isResponse()) {
            invoker.onResponse(ctx.channel(), command);
        } else {
            dispatcher.dispatch(NettyRemotingChannel.of(ctx.channel()), command);
        }
    }
}
