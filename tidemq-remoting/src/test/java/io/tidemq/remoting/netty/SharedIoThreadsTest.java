package io.tidemq.remoting.netty;

import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two servers registering their connections on the same {@link NettyIoThreads}, as a broker's client and HA ones do. */
class SharedIoThreadsTest {

    private static final long TIMEOUT_MS = 5_000;
    private static final int WHERE = 1000;

    private final NettyIoThreads threads = new NettyIoThreads(1);
    private final NettyRemotingServer first = server();
    private final NettyRemotingServer second = server();
    /** Connections the client saw closed by the server; written by the client's event thread. */
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.builder().build(),
            new ChannelEventListener() {
                @Override
                public void onClose(String remoteAddress, RemotingChannel channel) {
                    closedConnections.incrementAndGet();
                }
            });

    private NettyRemotingServer server() {
        NettyRemotingServer server = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1")
                .listenPort(0).build(), null, threads);
        // the processor runs where the request was read: it answers with that thread's name
        server.registerProcessor(WHERE, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().putField("thread", Thread.currentThread().getName())), Runnable::run);
        return server;
    }

    @AfterEach
    void stop() {
        client.shutdown();
        first.shutdown();
        second.shutdown();
        threads.close();
    }

    private String threadOf(NettyRemotingServer server) throws InterruptedException, RemotingException {
        RemotingCommand response = client.invokeSync("127.0.0.1:" + server.localPort(),
                RemotingCommand.createRequest(WHERE), TIMEOUT_MS);
        assertThat(response.isSuccess()).isTrue();
        return response.field("thread");
    }

    @Test
    void bothServersReadTheirConnectionsOnTheSharedThreadAndOneStopsWithoutStoppingTheOther() throws Exception {
        first.start();
        second.start();
        client.start();

        String firstThread = threadOf(first);
        assertThat(firstThread).startsWith("tidemq-remoting-server-io");
        assertThat(threadOf(second)).as("one shared event loop serves both servers' connections")
                .isEqualTo(firstThread);

        first.shutdown();
        await("the stopped server closed its connection").atMost(Duration.ofSeconds(5))
                .until(() -> closedConnections.get() == 1);
        assertThatThrownBy(() -> threadOf(first)).isInstanceOf(RemotingException.class);
        assertThat(threadOf(second)).as("the shared threads outlive the server that stopped").isEqualTo(firstThread);
    }
}
