package io.tidemq.remoting.netty;

import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.tidemq.common.net.HostPort;
import io.tidemq.remoting.RemotingChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** The {@link RemotingChannel} of a Netty channel; exactly one per channel, kept in a channel attribute. */
public final class NettyRemotingChannel implements RemotingChannel {

    private static final AttributeKey<NettyRemotingChannel> KEY = AttributeKey.valueOf("tidemq.remotingChannel");

    /** The peer of a channel without an IP address (an embedded one in tests). */
    private static final InetSocketAddress UNKNOWN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Channel channel;
    private final String remoteAddress;
    private final InetSocketAddress remoteSocketAddress;

    private NettyRemotingChannel(Channel channel) {
        this.channel = channel;
        SocketAddress peer = channel.remoteAddress();
        this.remoteSocketAddress = peer instanceof InetSocketAddress inet ? inet : UNKNOWN;
        this.remoteAddress = format(peer);
    }

    /** The one instance for {@code channel}, created on first use. */
    public static NettyRemotingChannel of(Channel channel) {
        Attribute<NettyRemotingChannel> attribute = channel.attr(KEY);
        NettyRemotingChannel existing = attribute.get();
        if (existing != null) {
            return existing;
        }
        NettyRemotingChannel created = new NettyRemotingChannel(channel);
        NettyRemotingChannel raced = attribute.setIfAbsent(created);
        return raced != null ? raced : created;
    }

    /** {@code ip:port} ({@code [v6]:port}) of a socket address, without a resolved-name prefix. */
    static String format(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? HostPort.format(inet) : String.valueOf(address);
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress remoteSocketAddress() {
        return remoteSocketAddress;
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close() {
        channel.close();
    }

    /**
     * Queued on the channel's event loop, also when called there: Netty runs it after the I/O work in hand (the rest of
     * that round's reads) and a queue from its own loop wakes nobody.
     */
    @Override
    public void executeOnIoThread(Runnable task) {
        channel.eventLoop().execute(task); // from the I/O thread itself: queued behind the reads in hand, no wake-up
    }

    @Override
    public Future<?> scheduleOnIoThread(Runnable task, long delayNanos) {
        try {
            return channel.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the I/O thread stopped
        }
    }

    /** The underlying Netty channel, for code that needs transport details. */
    public Channel nettyChannel() {
        return channel;
    }

    @Override
    public String toString() {
        return "RemotingChannel[" + remoteAddress + (channel.isActive() ? "" : ", closed") + "]";
    }
}
