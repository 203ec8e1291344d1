package io.tidemq.remoting.netty;

import io.tidemq.remoting.ChannelEventListener;

/** A server on 127.0.0.1 with an OS-picked port, and a client; closed together. */
final class Loopback implements AutoCloseable {

    final NettyRemotingServer server;
    final NettyRemotingClient client;

    Loopback() {
        this(NettyServerConfig.builder(), NettyClientConfig.builder(), null, null);
    }

    Loopback(NettyServerConfig.Builder serverConfig, NettyClientConfig.Builder clientConfig,
             ChannelEventListener serverListener, ChannelEventListener clientListener) {
        server = new NettyRemotingServer(serverConfig.bindAddress("127.0.0.1").listenPort(0).build(), serverListener);
        client = new NettyRemotingClient(clientConfig.build(), clientListener);
    }

    /** Starts both; processors may be registered before or after. */
    Loopback start() {
        server.start();
        client.start();
        return this;
    }

    String address() {
        return "127.0.0.1:" + server.localPort();
    }

    @Override
    public void close() {
        client.shutdown();
        server.shutdown();
    }
}
