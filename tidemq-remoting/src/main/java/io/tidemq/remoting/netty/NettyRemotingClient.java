package io.tidemq.remoting.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tidemq.common.net.HostPort;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingClient;
import io.tidemq.remoting.ResponseBodyReader;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Netty (NIO) implementation of {@link RemotingClient}: {@code selectorThreads} I/O threads
 * ({@code tidemq-remoting-client-io}), one connection per address opened on first use, a timer thread for
 * call timeouts, a worker pool for processors of server-sent requests and an event thread when a listener
 * is given. The client sends no keep-alive of its own: idle connections are only reported, and the server
 * closes them after its {@code channelIdleSeconds}; the next call then reconnects. Long-lived clients keep
 * their connections busy with application heartbeats ({@code HEART_BEAT}).
 *
 * <pre>{@code
 * NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.defaults());
 * client.start();
 * RemotingCommand response = client.invokeSync("127.0.0.1:9876", request, 3000);
 * }</pre>
 */
public final class NettyRemotingClient extends NettyRemotingService implements RemotingClient {

    private static final Logger log = LoggerFactory.getLogger(NettyRemotingClient.class);

    private enum State { CREATED, RUNNING, STOPPED }

    private final NettyClientConfig config;
    /**
     * One connect future per address, any thread. An entry is dropped when its channel closes or its connect
     * fails, and replaced only through {@code remove(address, stale)}, so racing callers share one connection.
     */
    private final ConcurrentHashMap<String, ChannelFuture> connections = new ConcurrentHashMap<>();
    /** Guarded by {@code this}; read without the lock only as a fast "is it running" check. */
    private volatile State state = State.CREATED;
    /** Set once in start(). */
    private volatile EventLoopGroup ioGroup;
    private volatile Bootstrap bootstrap;

    public NettyRemotingClient(NettyClientConfig config) {
        this(config, null);
    }

    /** @param listener receives connection events on its own thread; may be {@code null} */
    public NettyRemotingClient(NettyClientConfig config, ChannelEventListener listener) {
        super("client", config, false, listener);
        this.config = config;
    }

    @Override
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new IllegalStateException("client already " + state.name().toLowerCase() + "; create a new one");
        }
        ioGroup = new NioEventLoopGroup(config.selectorThreads(), new DefaultThreadFactory("tidemq-remoting-client-io"));
        bootstrap = new Bootstrap()
                .group(ioGroup)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMs())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(pipelineInitializer());
        state = State.RUNNING;
    }

    @Override
    public synchronized void shutdown() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        List<ChannelFuture> open = new ArrayList<>(connections.values());
        connections.clear();
        for (ChannelFuture connection : open) {
            connection.channel().close();
        }
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        endpoint.shutdown();
    }

    @Override
    public CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMs) {
        RequestInvoker.requirePositive(timeoutMs);
        return endpoint.invoker.invoke(connection(address), address, request, timeoutMs, PendingCall.COPY_BODY);
    }

    @Override
    public <T> CompletableFuture<T> invokeAsync(String address, RemotingCommand request, long timeoutMs,
                                                ResponseBodyReader<T> reader) {
        RequestInvoker.requirePositive(timeoutMs);
        return endpoint.invoker.invoke(connection(address), address, request, timeoutMs, PendingCall.inPlace(reader));
    }

    @Override
    public RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMs)
            throws InterruptedException, RemotingException {
        RemotingEndpoint.requireNotOnIoThread(ioGroup);
        return RemotingEndpoint.awaitResponse(invokeAsync(address, request, timeoutMs), address, request, timeoutMs);
    }

    @Override
    public CompletableFuture<Void> invokeOneway(String address, RemotingCommand request) {
        return endpoint.invoker.invokeOneway(connection(address), address, request);
    }

    @Override
    public void closeConnection(String address) {
        ChannelFuture connection = connections.remove(address);
        if (connection != null) {
            connection.channel().close();
        }
    }

    /** The live (or connecting) connection to {@code address}, opening one when there is none. */
    private ChannelFuture connection(String address) {
        if (state != State.RUNNING) {
            throw new IllegalStateException("client is " + state.name().toLowerCase() + "; start() it first");
        }
        ChannelFuture existing = connections.get(address);
        if (existing != null) {
            if (!existing.isDone() || existing.channel().isActive()) {
                return existing;
            }
            connections.remove(address, existing);
        }
        HostPort parsed = HostPort.parse(address);
        ChannelFuture[] created = new ChannelFuture[1];
        ChannelFuture connection = connections.computeIfAbsent(address,
                a -> created[0] = bootstrap.connect(parsed.host(), parsed.port()));
        if (created[0] != null) {
            // outside computeIfAbsent: a connect that fails at once runs these listeners inline
            watch(address, created[0]);
        }
        return connection;
    }

    private void watch(String address, ChannelFuture connect) {
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                log.debug("connected to {}", address);
            } else {
                log.info("cannot connect to {}: {}", address, f.cause().toString());
                connections.remove(address, f);
            }
        });
        connect.channel().closeFuture().addListener(f -> connections.remove(address, connect));
    }

    public NettyClientConfig config() {
        return config;
    }
}
