package io.tidemq.namesrv;

import io.tidemq.namesrv.config.NamesrvConfig;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.namesrv.event.BrokerAuditEventHandler;
import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.event.BrokerHeartbeatEvent;
import io.tidemq.namesrv.event.BrokerRegisteredEvent;
import io.tidemq.namesrv.event.BrokerUnregisteredEvent;
import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.route.RouteTableEventHandler;
import io.tidemq.namesrv.spi.RecordingEventHandler;
import io.tidemq.namesrv.spi.ThrowingEventHandler;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** A real NameServer on an ephemeral port, driven by real remoting clients playing brokers and clients. */
class NamesrvControllerTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private NamesrvController namesrv;
    private String namesrvAddr;
    private NettyRemotingClient client;

    @BeforeEach
    void startNamesrv() {
        namesrv = start(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1").build());
        namesrvAddr = "127.0.0.1:" + namesrv.port();
        client = new NettyRemotingClient(NettyClientConfig.builder().build());
        client.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        client.shutdown();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void registeredBrokerIsReturnedInItsTopicsRoute() throws Exception {
        BrokerStub broker = broker("c1", "broker-a", 0, "10.0.0.1:10911");

        assertThat(broker.register(1, TopicConfig.of("orders", 8)).code()).isEqualTo(ResponseCode.SUCCESS.code());

        TopicRouteData route = route("orders");
        assertThat(route.queueDatas()).extracting(QueueData::brokerName, QueueData::writeQueueNums)
                .containsExactly(tuple("broker-a", 8));
        assertThat(route.brokerDatas()).containsExactly(new BrokerData("c1", "broker-a", Map.of(0L, "10.0.0.1:10911")));
    }

    @Test
    void registrationIsAnsweredWithTheExpirySoABrokerCanCheckItsRegisterInterval() throws Exception {
        RemotingCommand response = broker("c1", "broker-a", 0, "10.0.0.1:10911").register(1, TopicConfig.of("orders", 8));

        assertThat(response.readHeader(Headers.RegisterBrokerResponse.class).brokerExpireMs())
                .isEqualTo(NamesrvConfig.DEFAULT_BROKER_EXPIRE_MS);
    }

    @Test
    void connectionsAreClosedForIdlenessNoSoonerThanBrokerExpireMs() {
        assertThat(NamesrvController.idleSeconds(120_000)).isEqualTo(120);
        assertThat(NamesrvController.idleSeconds(600_000)).as("was 120 s whatever brokerExpireMs said").isEqualTo(600);
        assertThat(NamesrvController.idleSeconds(1_500)).isEqualTo(2);
        assertThat(NamesrvController.idleSeconds(100)).isEqualTo(1);
    }

    @Test
    void topicHostedByTwoBrokersRoutesToBoth() throws Exception {
        broker("c1", "broker-a", 0, "10.0.0.1:10911").register(1, TopicConfig.of("orders", 4));
        broker("c1", "broker-b", 0, "10.0.0.2:10911").register(1, TopicConfig.of("orders", 4));

        TopicRouteData route = route("orders");

        assertThat(route.brokerDatas()).extracting(BrokerData::brokerName).containsExactly("broker-a", "broker-b");
        assertThat(route.queueDatas()).extracting(QueueData::brokerName).containsExactly("broker-a", "broker-b");
    }

    @Test
    void brokerWhoseConnectionClosesIsEvictedAtOnceWithoutWaitingForExpiry() throws Exception {
        BrokerStub doomed = broker("c1", "broker-a", 0, "10.0.0.1:10911");
        doomed.register(1, TopicConfig.of("orders", 4));
        broker("c1", "broker-b", 0, "10.0.0.2:10911").register(1, TopicConfig.of("orders", 4));

        doomed.disconnect();

        // The recording handler runs last, so once it saw the eviction every other handler has too.
        await().atMost(AWAIT).until(() -> !recorder().events(BrokerEvictedEvent.class).isEmpty());
        assertThat(route("orders").brokerDatas()).extracting(BrokerData::brokerName).containsExactly("broker-b");
        BrokerEvictedEvent eviction = recorder().events(BrokerEvictedEvent.class).get(0);
        assertThat(eviction.reason()).isEqualTo(EvictionReason.CHANNEL_CLOSED);
        assertThat(eviction.broker().brokerName()).isEqualTo("broker-a");
        assertThat(namesrv.metrics().evictions(EvictionReason.CHANNEL_CLOSED)).isEqualTo(1);
        assertThat(namesrv.config().brokerExpireMs()).as("expiry alone would take two minutes").isEqualTo(120_000);
    }

    @Test
    void silentBrokerIsEvictedOnceBrokerExpireMsPasses() throws Exception {
        NamesrvController fast = start(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1")
                .brokerExpireMs(300).scanIntervalMs(20).build());
        String fastAddr = "127.0.0.1:" + fast.port();
        BrokerStub silent = track(new BrokerStub(fastAddr, "c1", "broker-a", 0, "10.0.0.1:10911"));

        assertThat(silent.register(1, TopicConfig.of("orders", 4)).code()).isEqualTo(ResponseCode.SUCCESS.code());

        RecordingEventHandler fastRecorder = fast.eventBus().handler(RecordingEventHandler.class).orElseThrow();
        await().atMost(AWAIT).until(() -> !fastRecorder.events(BrokerEvictedEvent.class).isEmpty());
        RemotingCommand response = client.invokeSync(fastAddr, routeRequest("orders"), BrokerStub.TIMEOUT_MS);
        assertThat(response.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        assertThat(fast.metrics().evictions(EvictionReason.EXPIRED)).isEqualTo(1);
        BrokerEvictedEvent eviction = fastRecorder.events(BrokerEvictedEvent.class).get(0);
        assertThat(eviction.reason()).isEqualTo(EvictionReason.EXPIRED);
        assertThat(eviction.timestampMs() - eviction.lastUpdateMs()).isGreaterThan(300);
        assertThat(fast.metrics().evictions(EvictionReason.CHANNEL_CLOSED)).as("its connection stayed open").isZero();
    }

    @Test
    void heartbeatRefreshesARegisteredBrokerWithoutABody() throws Exception {
        BrokerStub broker = broker("c1", "broker-a", 0, "10.0.0.1:10911");
        broker.register(1, TopicConfig.of("orders", 4));
        long registeredAt = clusterInfo().lastHeartbeatMs().get("10.0.0.1:10911");

        RemotingCommand response = broker.heartbeat();

        assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(namesrv.metrics().heartbeats()).isEqualTo(1);
        BrokerHeartbeatEvent heartbeat = recorder().events(BrokerHeartbeatEvent.class).get(0);
        assertThat(clusterInfo().lastHeartbeatMs().get("10.0.0.1:10911"))
                .isEqualTo(heartbeat.timestampMs()).isGreaterThanOrEqualTo(registeredAt);
        assertThat(route("orders").queueDatas()).hasSize(1);
    }

    @Test
    void heartbeatFromAnUnregisteredBrokerAsksItToRegister() throws Exception {
        RemotingCommand response = broker("c1", "broker-a", 0, "10.0.0.1:10911").heartbeat();

        assertThat(response.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(response.remark()).contains("not registered").contains("REGISTER_BROKER");
        assertThat(recorder().events(BrokerHeartbeatEvent.class)).isEmpty();
    }

    @Test
    void unregisteredBrokerLeavesEveryRouteBeforeTheResponse() throws Exception {
        BrokerStub broker = broker("c1", "broker-a", 0, "10.0.0.1:10911");
        broker.register(1, TopicConfig.of("orders", 4), TopicConfig.of("payments", 2));

        assertThat(broker.unregister().code()).isEqualTo(ResponseCode.SUCCESS.code());

        assertThat(query(RequestCode.GET_ROUTEINFO_BY_TOPIC, new Headers.TopicRequest("orders")).code())
                .isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        assertThat(topicList()).isEmpty();
        assertThat(clusterInfo().brokers()).isEmpty();
        assertThat(recorder().events(BrokerUnregisteredEvent.class)).hasSize(1);
        assertThat(broker.unregister().code()).as("unregistering twice is harmless")
                .isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(namesrv.metrics().unregistrations()).isEqualTo(1);
    }

    @Test
    void clusterInfoListsClustersBrokerGroupsAndLastHeartbeatPerAddress() throws Exception {
        broker("c1", "broker-a", 0, "10.0.0.1:10911").register(1, TopicConfig.of("orders", 4));
        broker("c1", "broker-a", 1, "10.0.0.3:10911").register(1, TopicConfig.of("orders", 4));
        broker("c2", "broker-b", 0, "10.0.0.2:10911").register(1);

        ClusterInfo info = clusterInfo();

        assertThat(info.clusters()).containsOnly(Map.entry("c1", Set.of("broker-a")), Map.entry("c2", Set.of("broker-b")));
        assertThat(info.brokers().get("broker-a").brokerAddrs())
                .containsOnly(Map.entry(0L, "10.0.0.1:10911"), Map.entry(1L, "10.0.0.3:10911"));
        assertThat(info.brokers().get("broker-b").cluster()).isEqualTo("c2");
        List<BrokerRegisteredEvent> registrations = recorder().events(BrokerRegisteredEvent.class);
        assertThat(info.lastHeartbeatMs()).containsOnlyKeys("10.0.0.1:10911", "10.0.0.3:10911", "10.0.0.2:10911");
        assertThat(info.lastHeartbeatMs().get("10.0.0.2:10911")).isEqualTo(registrations.get(2).timestampMs());
    }

    @Test
    void unknownTopicIsAnsweredTopicNotExistWithAnExplanation() throws Exception {
        broker("c1", "broker-a", 0, "10.0.0.1:10911").register(1, TopicConfig.of("orders", 4));

        RemotingCommand response = query(RequestCode.GET_ROUTEINFO_BY_TOPIC, new Headers.TopicRequest("no-such-topic"));

        assertThat(response.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        assertThat(response.remark()).contains("no-such-topic");
    }

    @Test
    void routeRequestWithAnInvalidTopicNameIsRejected() throws Exception {
        RemotingCommand response = query(RequestCode.GET_ROUTEINFO_BY_TOPIC, new Headers.TopicRequest("bad topic"));

        assertThat(response.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
    }

    @Test
    void topicListHoldsEveryTopicOfEveryLiveBrokerSorted() throws Exception {
        broker("c1", "broker-a", 0, "10.0.0.1:10911").register(1, TopicConfig.of("payments", 4), TopicConfig.of("orders", 4));
        broker("c1", "broker-b", 0, "10.0.0.2:10911").register(1, TopicConfig.of("audit", 1), TopicConfig.of("orders", 4));

        assertThat(topicList()).containsExactly("audit", "orders", "payments");
    }

    @Test
    void registrationWhoseBodyContradictsItsHeaderIsRejected() throws Exception {
        BrokerRegistration body = new BrokerRegistration("c1", "someone-else", 0, "10.0.0.1:10911", Map.of(), 1);
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.REGISTER_BROKER)
                .writeHeader(new Headers.RegisterBrokerRequest("c1", "broker-a", 0, "10.0.0.1:10911"))
                .setBody(Json.toBytes(body));

        RemotingCommand response = client.invokeSync(namesrvAddr, request, BrokerStub.TIMEOUT_MS);

        assertThat(response.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(response.remark()).contains("someone-else");
        assertThat(clusterInfo().brokers()).isEmpty();
    }

    @Test
    void registrationWithAMalformedAddressIsRejected() throws Exception {
        RemotingCommand response = broker("c1", "broker-a", 0, "no-port").register(1);

        assertThat(response.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(response.remark()).contains("brokerAddr");
    }

    @Test
    void pluginHandlersFromMetaInfServicesReceiveEveryEventAfterTheBuiltIns() throws Exception {
        BrokerStub broker = broker("c1", "broker-a", 0, "10.0.0.1:10911");
        broker.register(1, TopicConfig.of("orders", 4));
        broker.heartbeat();
        broker.unregister();

        assertThat(namesrv.eventBus().handlers()).extracting(h -> h.getClass().getSimpleName()).containsExactly(
                RouteTableEventHandler.class.getSimpleName(), BrokerAuditEventHandler.class.getSimpleName(),
                ThrowingEventHandler.class.getSimpleName(), RecordingEventHandler.class.getSimpleName());
        assertThat(recorder().events()).extracting(e -> e.getClass().getSimpleName()).containsExactly(
                BrokerRegisteredEvent.class.getSimpleName(), BrokerHeartbeatEvent.class.getSimpleName(),
                BrokerUnregisteredEvent.class.getSimpleName());
        BrokerRegisteredEvent registered = recorder().events(BrokerRegisteredEvent.class).get(0);
        assertThat(registered.broker().brokerAddr()).isEqualTo("10.0.0.1:10911");
        assertThat(registered.registration().topicConfigs()).containsOnlyKeys("orders");
    }

    @Test
    void throwingHandlerDoesNotBreakRegistrationOrTheHandlersAfterIt() throws Exception {
        BrokerStub broker = broker("c1", ThrowingEventHandler.BROKER_NAME, 0, "10.0.0.1:10911");

        RemotingCommand response = broker.register(1, TopicConfig.of("orders", 4));

        assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(route("orders").brokerDatas()).extracting(BrokerData::brokerName)
                .containsExactly(ThrowingEventHandler.BROKER_NAME);
        assertThat(namesrv.metrics().handlerFailures()).isEqualTo(1);
        assertThat(recorder().events(BrokerRegisteredEvent.class)).hasSize(1);
        assertThat(namesrv.metrics().registrations()).isEqualTo(1);
    }

    @Test
    void controllerStartsOnceAndRefusesASecondStart() {
        assertThatThrownBy(namesrv::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
    }

    @Test
    void controllerWithoutTheRouteTableHandlerRefusesToStart() {
        ClassLoader noServices = new ClassLoader(null) {
        };
        NamesrvController broken = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1")
                .build(), noServices);

        assertThatThrownBy(broken::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(RouteTableEventHandler.class.getName())
                .hasMessageContaining("META-INF/services");
    }

    // ---------------------------------------------------------------- helpers

    private NamesrvController start(NamesrvConfig config) {
        NamesrvController controller = new NamesrvController(config);
        controller.start();
        closeables.add(controller);
        return controller;
    }

    private BrokerStub broker(String cluster, String name, long id, String addr) {
        return track(new BrokerStub(namesrvAddr, cluster, name, id, addr));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private RecordingEventHandler recorder() {
        return namesrv.eventBus().handler(RecordingEventHandler.class).orElseThrow();
    }

    private RemotingCommand query(RequestCode code, Record header) throws Exception {
        RemotingCommand request = RemotingCommand.createRequest(code);
        if (header != null) {
            request.writeHeader(header);
        }
        return client.invokeSync(namesrvAddr, request, BrokerStub.TIMEOUT_MS);
    }

    private static RemotingCommand routeRequest(String topic) {
        return RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC).writeHeader(new Headers.TopicRequest(topic));
    }

    private TopicRouteData route(String topic) throws Exception {
        RemotingCommand response = query(RequestCode.GET_ROUTEINFO_BY_TOPIC, new Headers.TopicRequest(topic));
        assertThat(response.code()).as(response.toString()).isEqualTo(ResponseCode.SUCCESS.code());
        return Json.fromBytes(response.body(), TopicRouteData.class);
    }

    private ClusterInfo clusterInfo() throws Exception {
        RemotingCommand response = query(RequestCode.GET_BROKER_CLUSTER_INFO, null);
        assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS.code());
        return Json.fromBytes(response.body(), ClusterInfo.class);
    }

    private List<String> topicList() throws Exception {
        RemotingCommand response = query(RequestCode.GET_ALL_TOPIC_LIST, null);
        assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS.code());
        return Json.mapper().readValue(response.body(), new TypeReference<List<String>>() { });
    }
}
