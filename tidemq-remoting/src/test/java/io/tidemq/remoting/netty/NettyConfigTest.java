package io.tidemq.remoting.netty;

import io.tidemq.common.net.HostPort;
import io.tidemq.remoting.exception.RemotingBindException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NettyConfigTest {

    @Test
    void defaultsAreValidAndDocumented() {
        NettyServerConfig server = NettyServerConfig.defaults();
        NettyClientConfig client = NettyClientConfig.defaults();

        assertThat(server.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(server.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(server.channelIdleSeconds()).isEqualTo(120);
        assertThat(server.selectorThreads()).isBetween(1, 4);
        assertThat(client.connectTimeoutMs()).isEqualTo(3000);
        assertThat(client.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(client.timeoutTickMs()).isEqualTo(10);
        assertThat(server.timeoutTickMs()).isEqualTo(10);
    }

    @Test
    void outOfRangeValuesAreRejectedNamingTheKeyAndRange() {
        assertThatThrownBy(() -> NettyServerConfig.builder().listenPort(70_000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listenPort must be in [0, 65535], got 70000");
        assertThatThrownBy(() -> NettyServerConfig.builder().maxFrameBytes(100).build())
                .hasMessageContaining("maxFrameBytes must be in [1024, 1073741824]");
        assertThatThrownBy(() -> NettyServerConfig.builder().bindAddress(" ").build())
                .hasMessageContaining("bindAddress");
        assertThatThrownBy(() -> NettyClientConfig.builder().connectTimeoutMs(0).build())
                .hasMessageContaining("connectTimeoutMs must be in [1, 600000]");
        assertThatThrownBy(() -> NettyClientConfig.builder().workerThreads(0).build())
                .hasMessageContaining("workerThreads");
        assertThatThrownBy(() -> NettyClientConfig.builder().timeoutTickMs(0).build())
                .hasMessageContaining("timeoutTickMs must be in [1, 1000]");
    }

    @Test
    void aPortInUseFailsStartWithAnActionableMessage() {
        NettyRemotingServer first = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1").build());
        first.start();
        try {
            NettyRemotingServer second = new NettyRemotingServer(NettyServerConfig.builder()
                    .bindAddress("127.0.0.1").listenPort(first.localPort()).build());
            assertThatThrownBy(second::start)
                    .isInstanceOf(RemotingBindException.class)
                    .hasMessageContaining("127.0.0.1:" + first.localPort())
                    .hasMessageContaining("listenPort");
            second.shutdown();
        } finally {
            first.shutdown();
        }
    }

    @Test
    void localPortIsUnknownBeforeStart() {
        NettyRemotingServer server = new NettyRemotingServer(NettyServerConfig.defaults());
        assertThatThrownBy(server::localPort).isInstanceOf(IllegalStateException.class);
        server.shutdown();
    }

    @Test
    void addressesParseAsHostAndPort() {
        assertThat(HostPort.parse("10.0.0.1:9876")).isEqualTo(new HostPort("10.0.0.1", 9876));
        assertThat(HostPort.parse("[::1]:10911")).isEqualTo(new HostPort("::1", 10911));
        assertThatThrownBy(() -> HostPort.parse("broker-a")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> HostPort.parse(":80")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> HostPort.parse("h:x")).hasMessageContaining("numeric port");
    }
}
