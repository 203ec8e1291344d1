package io.tidemq.broker.registration;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.BrokerFixture;
import io.tidemq.broker.config.BrokerConfigException;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerRegistrationIntegrationTest {

    @TempDir
    Path dir;

    /** A NameServer stand-in that records what brokers send it. */
    private NettyRemotingServer fakeNamesrv;
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final BlockingQueue<BrokerRegistration> registrations = new LinkedBlockingQueue<>();
    private final BlockingQueue<Headers.RegisterBrokerRequest> unregistrations = new LinkedBlockingQueue<>();
    private BrokerFixture fx;
    /** The brokerExpireMs the fake NameServer reports, or null to answer without a header (an older one). */
    private volatile Long reportedExpireMs;

    @BeforeEach
    void startNamesrv() {
        fakeNamesrv = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1").listenPort(0).build());
        fakeNamesrv.registerProcessor(RequestCode.REGISTER_BROKER, SyncRequestProcessor.of((ch, req) -> {
            Headers.RegisterBrokerRequest h = req.readHeader(Headers.RegisterBrokerRequest.class);
            BrokerRegistration body = Json.fromBytes(req.body(), BrokerRegistration.class);
            assertThat(h.brokerAddr()).isEqualTo(body.brokerAddr());
            registrations.add(body);
            Long expireMs = reportedExpireMs;
            return expireMs == null ? RemotingCommand.success()
                    : RemotingCommand.success().writeHeader(new Headers.RegisterBrokerResponse(expireMs));
        }), pool);
        fakeNamesrv.registerProcessor(RequestCode.UNREGISTER_BROKER, SyncRequestProcessor.of((ch, req) -> {
            unregistrations.add(req.readHeader(Headers.RegisterBrokerRequest.class));
            return RemotingCommand.success();
        }), pool);
        fakeNamesrv.start();
    }

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
        fakeNamesrv.shutdown();
        pool.shutdownNow();
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void brokerRegistersAtStartAfterTopicChangesAndUnregistersOnClose() throws Exception {
        String namesrv = "127.0.0.1:" + fakeNamesrv.localPort();
        // the first NameServer is down: registration with the second must still happen
        String down = "127.0.0.1:" + unusedPort();
        fx = new BrokerFixture(dir, b -> b.brokerClusterName("c1").namesrvAddrs(List.of(down, namesrv))
                .registerIntervalMs(600_000).registerTimeoutMs(1_000));

        BrokerRegistration first = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.clusterName()).isEqualTo("c1");
        assertThat(first.brokerName()).isEqualTo("broker-t");
        assertThat(first.brokerAddr()).isEqualTo(fx.address());
        assertThat(first.topicConfigs()).isEmpty();

        fx.createTopic("orders", 4);

        BrokerRegistration afterCreate = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(afterCreate).isNotNull();
        assertThat(afterCreate.topicConfigs()).containsOnlyKeys("orders");
        assertThat(afterCreate.topicConfigs().get("orders").writeQueueNums()).isEqualTo(4);
        assertThat(afterCreate.dataVersion()).isGreaterThan(first.dataVersion());

        String address = fx.address();
        fx.close();
        fx = null;

        Headers.RegisterBrokerRequest gone = unregistrations.poll(10, TimeUnit.SECONDS);
        assertThat(gone).isNotNull();
        assertThat(gone.brokerAddr()).isEqualTo(address);
    }

    /** Issue 10: 1 250 topics created one by one re-registered the whole, growing topic table many times over. */
    @Test
    void topicsCreatedInOneCallAreRegisteredInOneRoundCarryingAllOfThem() throws Exception {
        fx = new BrokerFixture(dir, b -> b.namesrvAddrs(List.of("127.0.0.1:" + fakeNamesrv.localPort()))
                .registerIntervalMs(600_000).registerTimeoutMs(1_000));
        BrokerRegistration first = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        List<io.tidemq.common.route.TopicConfig> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            burst.add(io.tidemq.common.route.TopicConfig.of("burst-" + i, 2));
        }

        RemotingCommand answer = fx.invoke(RemotingCommand.createRequest(RequestCode.CREATE_TOPICS)
                .setBody(Json.toBytes(new io.tidemq.common.route.TopicConfigList(burst))));

        assertThat(answer.code()).isZero();
        BrokerRegistration afterCreate = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(afterCreate).isNotNull();
        assertThat(afterCreate.topicConfigs()).hasSize(500).containsKey("burst-499");
        assertThat(afterCreate.dataVersion()).isEqualTo(first.dataVersion() + 1);
        assertThat(registrations.poll(1, TimeUnit.SECONDS)).as("a second round for the same burst").isNull();
    }

    @Test
    void aRegisterIntervalTheNameServerWouldEvictTheBrokerForIsRefusedAtStart() {
        reportedExpireMs = 120_000L;
        BrokerController broker = new BrokerController(BrokerFixture.testConfig(dir)
                .namesrvAddrs(List.of("127.0.0.1:" + fakeNamesrv.localPort())).registerIntervalMs(200_000).build());

        assertThatThrownBy(broker::start).isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("registerIntervalMs").hasMessageContaining("200000")
                .hasMessageContaining("brokerExpireMs").hasMessageContaining("120000");
        broker.close();
    }

    @Test
    void aRegisterIntervalBelowTheNameServersExpiryStartsNormally() throws Exception {
        reportedExpireMs = 120_000L;
        fx = new BrokerFixture(dir, b -> b.namesrvAddrs(List.of("127.0.0.1:" + fakeNamesrv.localPort()))
                .registerIntervalMs(30_000));

        assertThat(registrations.poll(10, TimeUnit.SECONDS)).isNotNull();
    }
}
