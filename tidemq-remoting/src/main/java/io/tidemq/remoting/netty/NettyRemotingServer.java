package io.tidemq.remoting.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RemotingServer;
import io.tidemq.remoting.exception.RemotingBindException;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Netty (NIO) implementation of {@link RemotingServer}: one acceptor thread
 * ({@code tidemq-remoting-server-boss}), {@code selectorThreads} I/O threads
 * ({@code tidemq-remoting-server-io}), a shared worker pool for processors registered without their own
 * executor, a timer thread for the timeouts of server-sent requests, and an event thread when a listener
 * is given. Connections silent for {@code channelIdleSeconds} are closed. Given {@link NettyIoThreads}, it registers
 * its connections on those instead of I/O threads of its own, and closes them (not the threads) at shutdown.
 *
 * <pre>{@code
 * NettyRemotingServer server = new NettyRemotingServer(NettyServerConfig.builder().listenPort(9876).build());
 * server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, routeProcessor, routePool);
 * server.start();
 * }</pre>
 */
public final class NettyRemotingServer extends NettyRemotingService implements RemotingServer {

    private static final Logger log = LoggerFactory.getLogger(NettyRemotingServer.class);
    /**
     * Outbound bytes queued on one connection above which it turns unwritable (and is no longer read from, see
     * {@link ReadWhileWritableHandler}), and below which it turns writable again: room for two full-size
     * pull responses, so a consumer reading at network speed never meets the limit.
     */
    static final int WRITE_BUFFER_HIGH_BYTES = 16 << 20;
    static final int WRITE_BUFFER_LOW_BYTES = 8 << 20;

    private enum State { CREATED, RUNNING, STOPPED }

    private final NettyServerConfig config;
    /** Guarded by {@code this}; read without the lock only as a fast "is it running" check. */
    private volatile State state = State.CREATED;
    /** Set in start(), used in shutdown(); guarded by {@code this}. */
    private EventLoopGroup bossGroup;
    private volatile EventLoopGroup ioGroup;
    /** I/O threads shared with other servers, or null (the server starts and stops its own). */
    private final NettyIoThreads sharedIoThreads;
    /**
     * With shared I/O threads: the accepted connections, closed at shutdown (stopping its own threads closes them
     * otherwise). Thread-safe (Netty's channel group); a connection leaves it when it closes.
     */
    private final ChannelGroup accepted = new DefaultChannelGroup("tidemq-server-connections",
            GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;
    private volatile int localPort = -1;

    public NettyRemotingServer(NettyServerConfig config) {
        this(config, null);
    }

    /** @param listener receives connection events on its own thread; may be {@code null} */
    public NettyRemotingServer(NettyServerConfig config, ChannelEventListener listener) {
        this(config, listener, null);
    }

    /**
     * @param listener  receives connection events on its own thread; may be {@code null}
     * @param ioThreads I/O threads to register connections on, shared with other servers, or {@code null} for
     *                  {@code selectorThreads} of its own
     */
    public NettyRemotingServer(NettyServerConfig config, ChannelEventListener listener, NettyIoThreads ioThreads) {
        super("server", config, true, listener);
        this.config = config;
        this.sharedIoThreads = ioThreads;
    }

    @Override
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new IllegalStateException("server already " + state.name().toLowerCase() + "; create a new one");
        }
        bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("tidemq-remoting-server-boss"));
        ioGroup = sharedIoThreads != null ? sharedIoThreads.group()
                : new NioEventLoopGroup(config.selectorThreads(), new DefaultThreadFactory("tidemq-remoting-server-io"));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, false)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FrameSizeEstimator.INSTANCE)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sharedIoThreads != null) {
                            accepted.add(ch);
                        }
                        endpoint.initPipeline(ch);
                        ch.pipeline().addFirst("backpressure", ReadWhileWritableHandler.INSTANCE);
                    }
                });
        ChannelFuture bind = bootstrap.bind(config.bindAddress(), config.listenPort()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            state = State.STOPPED;
            stopThreads();
            throw new RemotingBindException(config.bindAddress(), config.listenPort(), bind.cause());
        }
        serverChannel = bind.channel();
        localPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        state = State.RUNNING;
        log.info("tidemq remoting server listening on {}:{} ({})", config.bindAddress(), localPort, config);
    }

    @Override
    public synchronized void shutdown() {
        if (state == State.STOPPED) {
            return;
        }
        boolean wasRunning = state == State.RUNNING;
        state = State.STOPPED;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        stopThreads();
        if (wasRunning) {
            log.info("tidemq remoting server on port {} stopped", localPort);
        }
    }

    private void stopThreads() {
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (sharedIoThreads != null) {
            accepted.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } else if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (bossGroup != null) {
            bossGroup.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        endpoint.shutdown();
    }

    @Override
    public int localPort() {
        int port = localPort;
        if (port < 0) {
            throw new IllegalStateException("the server has no port before start()");
        }
        return port;
    }

    @Override
    public CompletableFuture<RemotingCommand> invokeAsync(RemotingChannel channel, RemotingCommand request,
                                                          long timeoutMs) {
        Channel ch = nettyChannel(channel);
        return endpoint.invoker.invoke(ch.newSucceededFuture(), channel.remoteAddress(), request, timeoutMs,
                PendingCall.COPY_BODY);
    }

    @Override
    public RemotingCommand invokeSync(RemotingChannel channel, RemotingCommand request, long timeoutMs)
            throws InterruptedException, RemotingException {
        RemotingEndpoint.requireNotOnIoThread(ioGroup);
        return RemotingEndpoint.awaitResponse(invokeAsync(channel, request, timeoutMs), channel.remoteAddress(),
                request, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> invokeOneway(RemotingChannel channel, RemotingCommand request) {
        Channel ch = nettyChannel(channel);
        return endpoint.invoker.invokeOneway(ch.newSucceededFuture(), channel.remoteAddress(), request);
    }

    private Channel nettyChannel(RemotingChannel channel) {
        if (state != State.RUNNING) {
            throw new IllegalStateException("server is " + state.name().toLowerCase() + "; start() it first");
        }
        if (!(channel instanceof NettyRemotingChannel netty)) {
            throw new IllegalArgumentException("not a channel of this server: " + channel);
        }
        return netty.nettyChannel();
    }

    public NettyServerConfig config() {
        return config;
    }
}
