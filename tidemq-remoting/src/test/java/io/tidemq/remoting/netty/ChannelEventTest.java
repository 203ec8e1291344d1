package io.tidemq.remoting.netty;

import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ChannelEventTest {

    /** Records "event remoteAddress thread" lines; written by the event threads, read by the test. */
    static final class Recorder implements ChannelEventListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onConnect(String remoteAddress, RemotingChannel channel) {
            record("connect", remoteAddress);
        }

        @Override
        public void onClose(String remoteAddress, RemotingChannel channel) {
            record("close", remoteAddress);
        }

        @Override
        public void onIdle(String remoteAddress, RemotingChannel channel) {
            record("idle", remoteAddress);
        }

        @Override
        public void onException(String remoteAddress, RemotingChannel channel, Throwable cause) {
            record("exception", remoteAddress);
        }

        private void record(String event, String remoteAddress) {
            events.add(event + " " + remoteAddress + " " + Thread.currentThread().getName());
        }

        List<String> named(String event) {
            return events.stream().filter(e -> e.startsWith(event + " ")).toList();
        }
    }

    private final Recorder serverEvents = new Recorder();
    private final Recorder clientEvents = new Recorder();
    private final Loopback loop = new Loopback(NettyServerConfig.builder().channelIdleSeconds(1),
            NettyClientConfig.builder().channelIdleSeconds(1), serverEvents, clientEvents);

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void connectAndCloseAreReportedOnBothSidesOnTheEventThreads() throws Exception {
        loop.server.registerProcessor(1, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()));
        loop.start();

        loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(1), 5000);
        loop.client.closeConnection(loop.address());

        await().atMost(10, TimeUnit.SECONDS).until(() -> serverEvents.named("close").size() == 1
                && clientEvents.named("close").size() == 1);
        assertThat(serverEvents.named("connect")).singleElement().asString()
                .startsWith("connect 127.0.0.1:").contains("tidemq-remoting-server-events");
        assertThat(clientEvents.named("connect")).singleElement().asString()
                .startsWith("connect " + loop.address() + " ").contains("tidemq-remoting-client-events");
        assertThat(serverEvents.events.get(0)).startsWith("connect");
    }

    @Test
    void theServerClosesAConnectionIdleLongerThanChannelIdleSeconds() throws Exception {
        loop.start();
        try (Socket silent = new Socket("127.0.0.1", loop.server.localPort())) {
            silent.setSoTimeout(10_000);
            // blocks until the server closes the idle connection (-1), or times out and fails the test
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> serverEvents.named("close").size() == 1);
        assertThat(serverEvents.named("idle")).hasSize(1);
    }

    @Test
    void aClientReportsIdlenessButKeepsItsConnection() throws Exception {
        // a server that never closes idle connections, so only the client's detection is at work
        try (Loopback patient = new Loopback(NettyServerConfig.builder().channelIdleSeconds(0),
                NettyClientConfig.builder().channelIdleSeconds(1), null, clientEvents)) {
            patient.server.registerProcessor(1, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()));
            patient.start();
            patient.client.invokeSync(patient.address(), RemotingCommand.createRequest(1), 5000);

            await().atMost(10, TimeUnit.SECONDS).until(() -> !clientEvents.named("idle").isEmpty());

            assertThat(clientEvents.named("close")).isEmpty();
            assertThat(patient.client.invokeSync(patient.address(), RemotingCommand.createRequest(1), 5000).isSuccess())
                    .isTrue();
            assertThat(clientEvents.named("connect")).hasSize(1);
        }
    }

    @Test
    void aMalformedFrameIsReportedAsAnException() throws Exception {
        loop.start();
        try (Socket bad = new Socket("127.0.0.1", loop.server.localPort())) {
            OutputStream out = bad.getOutputStream();
            out.write(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            out.flush();
            bad.setSoTimeout(10_000);
            assertThat(bad.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> serverEvents.named("close").size() == 1);
        assertThat(serverEvents.named("exception")).hasSize(1);
    }
}
