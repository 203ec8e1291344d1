package io.tidemq.remoting.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingService;
import io.tidemq.remoting.RequestProcessor;

import java.util.concurrent.Executor;

/**
 * What {@link NettyRemotingClient} and {@link NettyRemotingServer} share: the {@link RemotingEndpoint} whose
 * pipeline every connection gets and whose dispatcher serves incoming requests with the registered processors.
 */
abstract class NettyRemotingService implements RemotingService {

    final RemotingEndpoint endpoint;

    /**
     * @param role          {@code client} or {@code server}: names the threads and appears in logs
     * @param closeWhenIdle close a connection silent for {@code channelIdleSeconds}, rather than only report it
     * @param listener      receives connection events on its own thread; may be {@code null}
     */
    NettyRemotingService(String role, NettyEndpointConfig config, boolean closeWhenIdle,
                         ChannelEventListener listener) {
        this.endpoint = new RemotingEndpoint(role, config.workerThreads(), config.workerQueueCapacity(),
                config.maxFrameBytes(), config.channelIdleSeconds(), config.timeoutTickMs(), closeWhenIdle, listener);
    }

    /** Sets up the pipeline of each new connection. */
    final ChannelInitializer<SocketChannel> pipelineInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                endpoint.initPipeline(ch);
            }
        };
    }

    @Override
    public void registerProcessor(int code, RequestProcessor processor, Executor executor) {
        endpoint.dispatcher.register(code, processor, executor);
    }

    @Override
    public void registerProcessor(int code, RequestProcessor processor) {
        endpoint.dispatcher.register(code, processor, null);
    }

    @Override
    public void registerDefaultProcessor(RequestProcessor processor, Executor executor) {
        endpoint.dispatcher.registerDefault(processor, executor);
    }

    @Override
    public int pendingRequestCount() {
        return endpoint.pendingRequestCount();
    }
}
