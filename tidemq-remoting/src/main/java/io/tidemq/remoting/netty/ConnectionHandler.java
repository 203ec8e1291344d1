package io.tidemq.remoting.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.tidemq.remoting.protocol.MalformedFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Connection lifecycle: reports connects, closes, idleness and errors to the event listener, fails the
 * requests of a closed connection, closes idle connections (server side) and connections that hit an error.
 */
@ChannelHandler.Sharable
final class ConnectionHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final String role;
    private final RequestInvoker invoker;
    private final ChannelEventDispatcher events;
    private final boolean closeWhenIdle;

    ConnectionHandler(String role, RequestInvoker invoker, ChannelEventDispatcher events, boolean closeWhenIdle) {
        this.role = role;
        this.invoker = invoker;
        this.events = events;
        this.closeWhenIdle = closeWhenIdle;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        NettyRemotingChannel channel = NettyRemotingChannel.of(ctx.channel());
        log.debug("{}: connection with {} established", role, channel.remoteAddress());
        events.connected(channel);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        NettyRemotingChannel channel = NettyRemotingChannel.of(ctx.channel());
        log.debug("{}: connection with {} closed", role, channel.remoteAddress());
        invoker.failPending(ctx.channel());
        events.closed(channel);
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            NettyRemotingChannel channel = NettyRemotingChannel.of(ctx.channel());
            events.idle(channel);
            if (closeWhenIdle) {
                log.info("{}: closing connection with {}: idle longer than channelIdleSeconds", role,
                        channel.remoteAddress());
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NettyRemotingChannel channel = NettyRemotingChannel.of(ctx.channel());
        if (cause instanceof MalformedFrameException) {
            // FrameDecoder already logged the reason and is closing the connection
        } else if (cause instanceof IOException) {
            log.info("{}: closing connection with {}: {}", role, channel.remoteAddress(), cause.toString());
        } else {
            log.warn("{}: closing connection with {} after an unexpected error", role, channel.remoteAddress(), cause);
        }
        events.exception(channel, cause);
        ctx.close();
    }
}
