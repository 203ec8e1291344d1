package io.tidemq.remoting.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * I/O threads ({@code tidemq-remoting-server-io}) that several {@link NettyRemotingServer}s of one process register
 * their connections on, so that work one connection's request starts for another connection (a broker's append
 * answering a replica's held fetch, a replica's acknowledgement completing the sends waiting for it) can run on the
 * thread that started it when both connections share an event loop, instead of waking another thread. The servers
 * that use them never stop them: their owner closes them after the last of those servers shut down.
 *
 * <p>The price is isolation: a slow request of one server (e.g. a replication read of cold pages) delays every
 * connection on the same thread, of every server sharing them.
 */
public final class NettyIoThreads implements AutoCloseable {

    private final EventLoopGroup group;

    /** @param threads event loops, 1-64 */
    public NettyIoThreads(int threads) {
        ConfigChecks.inRange("selectorThreads", threads, 1, 64);
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("tidemq-remoting-server-io"));
    }

    /** As many event loops as a server has by default ({@code selectorThreads}). */
    public NettyIoThreads() {
        this(ConfigChecks.defaultSelectorThreads());
    }

    EventLoopGroup group() {
        return group;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
