package io.tidemq.client.admin;

import io.tidemq.client.BrokerUnavailableException;
import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.GroupList;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.QueueStats;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminClientTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private FakeServer namesrv;
    private FakeServer brokerA;
    private FakeServer brokerB;
    private AdminClient admin;

    @BeforeEach
    void startServers() {
        namesrv = track(new FakeServer());
        brokerA = track(new FakeServer());
        brokerB = track(new FakeServer());
        admin = track(AdminClient.connect(namesrv.address(), 10_000)); // generous: a loaded CI machine stalled 2 s calls
    }

    @AfterEach
    void stopServers() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    /** broker-a (master A) and broker-b (master B) in cluster "c1". */
    private void oneCluster() {
        namesrv.onJson(RequestCode.GET_BROKER_CLUSTER_INFO, new ClusterInfo(
                Map.of("broker-a", group("c1", "broker-a", brokerA.address()),
                        "broker-b", group("c1", "broker-b", brokerB.address())),
                Map.of("c1", Set.of("broker-a", "broker-b")),
                Map.of(brokerA.address(), 1_000L)));
    }

    private static BrokerData group(String cluster, String name, String masterAddr) {
        return new BrokerData(cluster, name, Map.of(BrokerData.MASTER_ID, masterAddr));
    }

    private void routeOfOrders() {
        namesrv.on(RequestCode.GET_ROUTEINFO_BY_TOPIC, req -> {
            if (!"orders".equals(req.readHeader(Headers.TopicRequest.class).topic())) {
                return RemotingCommand.createResponse(ResponseCode.TOPIC_NOT_EXIST, "no route");
            }
            return RemotingCommand.success().setBody(Json.toBytes(new TopicRouteData(
                    List.of(new QueueData("broker-a", 2, 2, Perm.READ_WRITE), new QueueData("broker-b", 2, 2, Perm.READ_WRITE)),
                    List.of(group("c1", "broker-b", brokerB.address()), group("c1", "broker-a", brokerA.address())))));
        });
    }

    // ---- cluster

    @Test
    void brokersListsEveryAddressSortedByClusterNameAndId() {
        Map<Long, String> withSlave = new HashMap<>();
        withSlave.put(0L, "10.0.0.1:10911");
        withSlave.put(1L, "10.0.0.2:10911");
        namesrv.onJson(RequestCode.GET_BROKER_CLUSTER_INFO, new ClusterInfo(
                Map.of("b2", new BrokerData("z", "b2", withSlave), "b1", group("a", "b1", "10.0.0.9:10911")),
                Map.of("a", Set.of("b1"), "z", Set.of("b2")),
                Map.of("10.0.0.2:10911", 42L)));

        assertThat(admin.brokers()).containsExactly(
                new BrokerEntry("a", "b1", 0, "10.0.0.9:10911", 0),
                new BrokerEntry("z", "b2", 0, "10.0.0.1:10911", 0),
                new BrokerEntry("z", "b2", 1, "10.0.0.2:10911", 42));
    }

    @Test
    void unreachableNameServerFailsWithTheAddressesAndWhatToCheck() {
        FakeServer gone = new FakeServer();
        String deadAddr = gone.address();
        gone.close();
        try (AdminClient lonely = AdminClient.connect(deadAddr, 1_000)) {
            assertThatThrownBy(lonely::clusterInfo)
                    .isInstanceOf(NameServerUnavailableException.class)
                    .hasMessageContaining(deadAddr)
                    .hasMessageContaining("--namesrv");
        }
    }

    @Test
    void nameServerCallsFailOverToTheNextNameServer() {
        FakeServer gone = new FakeServer();
        String deadAddr = gone.address();
        gone.close();
        oneCluster();
        try (AdminClient twoNamesrvs = AdminClient.connect(deadAddr + ";" + namesrv.address(), 1_000)) {
            assertThat(twoNamesrvs.brokers()).extracting(BrokerEntry::brokerName).containsExactly("broker-a", "broker-b");
        }
    }

    // ---- topics

    @Test
    void createTopicSendsTheConfigToEveryMasterOfTheCluster() {
        oneCluster();
        brokerA.on(RequestCode.CREATE_TOPIC, req -> RemotingCommand.success());
        brokerB.on(RequestCode.CREATE_TOPIC, req -> RemotingCommand.success());

        List<String> created = admin.createTopic(TopicConfig.of("orders", 4), AdminTarget.cluster("c1"));

        assertThat(created).containsExactly(brokerA.address(), brokerB.address());
        TopicConfig sent = Json.fromBytes(brokerB.received(RequestCode.CREATE_TOPIC).get(0).body(), TopicConfig.class);
        assertThat(sent).isEqualTo(TopicConfig.of("orders", 4));
    }

    @Test
    void createTopicsSendsTheWholeListInOneRequestToEveryMaster() {
        oneCluster();
        brokerA.on(RequestCode.CREATE_TOPICS, req -> RemotingCommand.success().putField("created", 3));
        brokerB.on(RequestCode.CREATE_TOPICS, req -> RemotingCommand.success().putField("created", 3));
        List<TopicConfig> configs = List.of(TopicConfig.of("t-0", 8), TopicConfig.of("t-1", 8), TopicConfig.of("t-2", 8));

        assertThat(admin.createTopics(configs, AdminTarget.all())).containsExactly(brokerA.address(), brokerB.address());

        assertThat(brokerA.received(RequestCode.CREATE_TOPICS)).hasSize(1);
        assertThat(Json.fromBytes(brokerB.received(RequestCode.CREATE_TOPICS).get(0).body(),
                io.tidemq.common.route.TopicConfigList.class).topics()).isEqualTo(configs);
        assertThat(brokerA.received(RequestCode.CREATE_TOPIC)).isEmpty();
        assertThatThrownBy(() -> admin.createTopics(List.of(), AdminTarget.all()))
                .isInstanceOf(io.tidemq.client.InvalidArgumentException.class);
    }

    @Test
    void awaitRoutesAsksForTheTopicListUntilEveryTopicIsRouted() {
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        namesrv.on(RequestCode.GET_ALL_TOPIC_LIST, req -> RemotingCommand.success().setBody(Json.toBytes(
                polls.incrementAndGet() < 3 ? List.of("t-0") : List.of("other", "t-0", "t-1", "t-2"))));

        admin.awaitRoutes(List.of("t-0", "t-1", "t-2"), 10_000);

        assertThat(polls).hasValue(3);
        assertThat(namesrv.received(RequestCode.GET_ROUTEINFO_BY_TOPIC)).isEmpty();
        assertThat(admin.routedTopics()).containsExactly("other", "t-0", "t-1", "t-2");
        assertThatThrownBy(() -> admin.awaitRoutes(List.of("never"), 300))
                .isInstanceOf(io.tidemq.client.TopicNotFoundException.class).hasMessageContaining("never");
    }

    @Test
    void createTopicOnOneBrokerDoesNotAskTheNameServer() {
        brokerA.on(RequestCode.CREATE_TOPIC, req -> RemotingCommand.success());

        assertThat(admin.createTopic(TopicConfig.of("orders", 1), AdminTarget.broker(brokerA.address())))
                .containsExactly(brokerA.address());
        assertThat(namesrv.received).isEmpty();
    }

    @Test
    void writingWithoutAClusterIsRefusedWhenSeveralClustersExist() {
        namesrv.onJson(RequestCode.GET_BROKER_CLUSTER_INFO, new ClusterInfo(
                Map.of("broker-a", group("c1", "broker-a", brokerA.address()),
                        "broker-b", group("c2", "broker-b", brokerB.address())),
                Map.of("c1", Set.of("broker-a"), "c2", Set.of("broker-b")), Map.of()));

        assertThatThrownBy(() -> admin.createTopic(TopicConfig.of("orders", 4), AdminTarget.all()))
                .isInstanceOf(AdminException.class)
                .hasMessageContaining("[c1, c2]")
                .hasMessageContaining("--cluster");
    }

    @Test
    void anUnknownClusterIsNamedWithTheKnownOnes() {
        oneCluster();
        assertThatThrownBy(() -> admin.listTopics(AdminTarget.cluster("nope"), false))
                .isInstanceOf(UnknownClusterException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("[c1]");
    }

    @Test
    void reservedTopicNamesAreRejectedBeforeAnyRequest() {
        assertThatThrownBy(() -> admin.createTopic(TopicConfig.of("%RETRY%g", 1), AdminTarget.all()))
                .hasMessageContaining("reserved");
        assertThat(namesrv.received).isEmpty();
    }

    @Test
    void aBrokerErrorCarriesTheBrokersRemark() {
        oneCluster();
        brokerA.fail(RequestCode.CREATE_TOPIC, ResponseCode.INVALID_PARAMETER, "topic orders already exists");
        brokerB.on(RequestCode.CREATE_TOPIC, req -> RemotingCommand.success());

        assertThatThrownBy(() -> admin.createTopic(TopicConfig.of("orders", 4), AdminTarget.cluster("c1")))
                .isInstanceOfSatisfying(RequestFailedException.class, e -> {
                    assertThat(e.address()).isEqualTo(brokerA.address());
                    assertThat(e.responseCode()).isEqualTo(ResponseCode.INVALID_PARAMETER);
                })
                .hasMessageContaining("topic orders already exists");
    }

    @Test
    void deleteTopicSkipsBrokersWithoutItAndFailsWhenNoneHasIt() {
        oneCluster();
        brokerA.on(RequestCode.DELETE_TOPIC, req -> RemotingCommand.success());
        brokerB.fail(RequestCode.DELETE_TOPIC, ResponseCode.TOPIC_NOT_EXIST, "no such topic");

        assertThat(admin.deleteTopic("orders", AdminTarget.all())).containsExactly(brokerA.address());
        assertThat(brokerA.received(RequestCode.DELETE_TOPIC).get(0).readHeader(Headers.TopicRequest.class).topic())
                .isEqualTo("orders");

        brokerA.fail(RequestCode.DELETE_TOPIC, ResponseCode.TOPIC_NOT_EXIST, "no such topic");
        assertThatThrownBy(() -> admin.deleteTopic("orders", AdminTarget.all()))
                .isInstanceOf(TopicNotFoundException.class)
                .hasMessageContaining("tidemq admin topic create --topic orders");
    }

    @Test
    void listTopicsMergesEveryBrokersList() {
        oneCluster();
        brokerA.onJson(RequestCode.GET_ALL_TOPIC_LIST, new TopicList(List.of("orders", "payments")));
        brokerB.onJson(RequestCode.GET_ALL_TOPIC_LIST, new TopicList(List.of("audit", "orders")));

        assertThat(admin.listTopics(AdminTarget.all(), true)).containsExactly("audit", "orders", "payments");
        assertThat(brokerA.received(RequestCode.GET_ALL_TOPIC_LIST).get(0)
                .readHeader(Headers.TopicListRequest.class).includeSystemTopics()).isTrue();
    }

    @Test
    void describeTopicCombinesTheRouteWithEachBrokersQueueOffsets() {
        routeOfOrders();
        brokerA.onJson(RequestCode.GET_TOPIC_STATS, new TopicStats("orders", "broker-a",
                List.of(new QueueStats(0, 0, 5, 100), new QueueStats(1, 2, 4, 100))));
        brokerB.onJson(RequestCode.GET_TOPIC_STATS, new TopicStats("orders", "broker-b",
                List.of(new QueueStats(0, 0, 1, 100), new QueueStats(1, 0, 0, 0))));

        TopicDescription d = admin.describeTopic("orders");

        assertThat(d.stats()).extracting(TopicStats::brokerName).containsExactly("broker-a", "broker-b");
        assertThat(d.storedMessages()).isEqualTo(5 + 2 + 1);
        assertThat(d.route().queueDatas()).hasSize(2);
    }

    @Test
    void describingAnUnknownTopicSaysHowToCreateIt() {
        routeOfOrders();
        assertThatThrownBy(() -> admin.describeTopic("nope"))
                .isInstanceOf(TopicNotFoundException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining(namesrv.address());
    }

    @Test
    void anUnreachableBrokerIsNamedInTheError() {
        FakeServer gone = new FakeServer();
        String deadAddr = gone.address();
        gone.close();
        assertThatThrownBy(() -> admin.listTopics(AdminTarget.broker(deadAddr), false))
                .isInstanceOfSatisfying(BrokerUnavailableException.class,
                        e -> assertThat(e.brokerAddr()).isEqualTo(deadAddr));
    }

    // ---- groups

    @Test
    void describeGroupMergesTheBrokersThatKnowTheGroup() {
        oneCluster();
        brokerA.onJson(RequestCode.DESCRIBE_CONSUMER_GROUP, new GroupDescription("g", "broker-a", "CLUSTERING",
                List.of("10.0.0.7@1@DEFAULT"), Set.of(new SubscriptionData("orders", "*")),
                List.of(new QueueLag("orders", 0, 10, 4, 6), new QueueLag("orders", 1, 3, -1, 3)), 9, null));
        brokerB.fail(RequestCode.DESCRIBE_CONSUMER_GROUP, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "unknown");

        ConsumerGroupView view = admin.describeGroup("g", AdminTarget.all());

        assertThat(view.brokers()).extracting(GroupDescription::brokerName).containsExactly("broker-a");
        assertThat(view.totalLag()).isEqualTo(9);
        assertThat(view.members()).containsExactly("10.0.0.7@1@DEFAULT");
        assertThat(view.messageModel()).isEqualTo("CLUSTERING");
        assertThat(brokerA.received(RequestCode.DESCRIBE_CONSUMER_GROUP).get(0)
                .readHeader(Headers.GroupRequest.class).consumerGroup()).isEqualTo("g");
    }

    @Test
    void aGroupNoBrokerKnowsIsReported() {
        oneCluster();
        brokerA.fail(RequestCode.DESCRIBE_CONSUMER_GROUP, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "unknown");
        brokerB.fail(RequestCode.DESCRIBE_CONSUMER_GROUP, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "unknown");

        assertThatThrownBy(() -> admin.describeGroup("ghost", AdminTarget.all()))
                .isInstanceOf(UnknownGroupException.class)
                .hasMessageContaining("tidemq admin group list");
    }

    @Test
    void listGroupsMergesEveryBrokersList() {
        oneCluster();
        brokerA.onJson(RequestCode.GET_CONSUMER_GROUP_LIST, new GroupList(List.of("g2", "g1")));
        brokerB.onJson(RequestCode.GET_CONSUMER_GROUP_LIST, new GroupList(List.of("g3")));

        assertThat(admin.listGroups(AdminTarget.cluster("c1"))).containsExactly("g1", "g2", "g3");
    }

    // ---- messages

    private static String idOf(FakeServer broker, long offset) {
        int port = broker.server.localPort();
        return String.format("7F000001%08X%016X", port, offset);
    }

    private static MessageExt message(String msgId, String key, long storeTimestampMs) {
        return new MessageExt(msgId, "orders", 0, 3, 4096, 1, storeTimestampMs, "127.0.0.1:5000", "127.0.0.1:10911",
                0, 0, 0, Map.of(MessageConst.KEYS, key), "hello".getBytes());
    }

    private static RemotingCommand delivered(MessageExt... messages) {
        return RemotingCommand.success().setBody(MessageCodec.encodeDelivered(List.of(messages)));
    }

    @Test
    void messageByIdGoesStraightToTheBrokerTheIdNames() {
        String id = idOf(brokerB, 4096);
        brokerB.on(RequestCode.QUERY_MESSAGE_BY_ID, req -> delivered(message(id, "k", 5)));

        MessageExt m = admin.messageById(id.toLowerCase());

        assertThat(m.msgId()).isEqualTo(id);
        assertThat(namesrv.received).as("no need to ask the NameServer").isEmpty();
        assertThat(brokerB.received(RequestCode.QUERY_MESSAGE_BY_ID).get(0)
                .readHeader(Headers.MessageIdRequest.class).msgId()).isEqualTo(id.toLowerCase());
    }

    @Test
    void messageByIdAsksEveryBrokerWhenTheNamedOneLacksItAndIgnoresOtherMessages() {
        oneCluster();
        String id = idOf(brokerA, 4096);
        brokerA.fail(RequestCode.QUERY_MESSAGE_BY_ID, ResponseCode.QUERY_NOT_FOUND, "not here");
        brokerB.on(RequestCode.QUERY_MESSAGE_BY_ID, req -> delivered(message(idOf(brokerB, 4096), "k", 5)));

        assertThatThrownBy(() -> admin.messageById(id))
                .isInstanceOf(MessageNotFoundException.class)
                .hasMessageContaining(brokerA.address())
                .hasMessageContaining(brokerB.address());

        brokerB.on(RequestCode.QUERY_MESSAGE_BY_ID, req -> delivered(message(id, "k", 5)));
        assertThat(admin.messageById(id).msgId()).isEqualTo(id);
    }

    @Test
    void malformedMessageIdsAreRejectedWithTheExpectedShape() {
        assertThatThrownBy(() -> admin.messageById("abc"))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("32 hexadecimal");
        assertThatThrownBy(() -> admin.messageById("7F000001000027170000000000001000".replace('1', 'Z')))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("not a hexadecimal digit");
    }

    @Test
    void messagesByKeyAsksEveryBrokerOfTheTopicAndSortsByStoreTime() {
        routeOfOrders();
        brokerA.on(RequestCode.QUERY_MESSAGE_BY_KEY, req -> delivered(message(idOf(brokerA, 1), "k", 20)));
        brokerB.on(RequestCode.QUERY_MESSAGE_BY_KEY, req -> delivered(message(idOf(brokerB, 1), "k", 10)));

        List<MessageExt> found = admin.messagesByKey("orders", "k", 5);

        assertThat(found).extracting(MessageExt::storeTimestampMs).containsExactly(10L, 20L);
        Headers.MessageKeyRequest sent = brokerA.received(RequestCode.QUERY_MESSAGE_BY_KEY).get(0)
                .readHeader(Headers.MessageKeyRequest.class);
        assertThat(sent).isEqualTo(new Headers.MessageKeyRequest("orders", "k", 5, 0, 0));
    }

    @Test
    void messagesByKeyWithoutMatchesIsNotFound() {
        routeOfOrders();
        brokerA.fail(RequestCode.QUERY_MESSAGE_BY_KEY, ResponseCode.QUERY_NOT_FOUND, "none");
        brokerB.fail(RequestCode.QUERY_MESSAGE_BY_KEY, ResponseCode.QUERY_NOT_FOUND, "none");

        assertThatThrownBy(() -> admin.messagesByKey("orders", "k", 5))
                .isInstanceOf(MessageNotFoundException.class).hasMessageContaining("key 'k'");
    }
}
