package io.tidemq.namesrv.route;

import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.FakeChannel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RouteInfoManagerTest {

    private final RouteInfoManager routes = new RouteInfoManager();
    private final FakeChannel channelA = new FakeChannel("10.0.0.1:50000");
    private final FakeChannel channelB = new FakeChannel("10.0.0.2:50000");

    private static final BrokerIdentity MASTER_A = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.1:10911");
    private static final BrokerIdentity SLAVE_A = new BrokerIdentity("c1", "broker-a", 1, "10.0.0.3:10911");
    private static final BrokerIdentity MASTER_B = new BrokerIdentity("c1", "broker-b", 0, "10.0.0.2:10911");

    @Test
    void registeredTopicIsRoutedToItsBrokerWithItsQueueCounts() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 8)), channelA, 1_000);

        TopicRouteData route = routes.findTopicRoute("orders").orElseThrow();

        assertThat(route.queueDatas()).containsExactly(new QueueData("broker-a", 8, 8, Perm.READ_WRITE));
        assertThat(route.brokerDatas()).containsExactly(new BrokerData("c1", "broker-a", Map.of(0L, "10.0.0.1:10911")));
    }

    @Test
    void topicServedByTwoGroupsListsBothSortedByBrokerName() {
        routes.register(MASTER_B, registration(MASTER_B, 1, TopicConfig.of("orders", 2)), channelB, 1_000);
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);

        TopicRouteData route = routes.findTopicRoute("orders").orElseThrow();

        assertThat(route.queueDatas()).extracting(QueueData::brokerName).containsExactly("broker-a", "broker-b");
        assertThat(route.brokerDatas()).extracting(BrokerData::brokerName).containsExactly("broker-a", "broker-b");
    }

    @Test
    void removingTheLastBrokerOfATopicMakesTheTopicUnknown() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);

        assertThat(routes.remove(MASTER_A.brokerAddr())).isPresent();

        assertThat(routes.findTopicRoute("orders")).isEmpty();
        assertThat(routes.topicNames()).isEmpty();
        assertThat(routes.clusterInfo().clusters()).isEmpty();
        assertThat(routes.clusterInfo().brokers()).isEmpty();
        assertThat(routes.liveBrokers()).isEmpty();
    }

    @Test
    void removingOneOfTwoGroupsKeepsTheTopicOnTheOther() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);
        routes.register(MASTER_B, registration(MASTER_B, 1, TopicConfig.of("orders", 4)), channelB, 1_000);

        routes.remove(MASTER_A.brokerAddr());

        TopicRouteData route = routes.findTopicRoute("orders").orElseThrow();
        assertThat(route.brokerDatas()).extracting(BrokerData::brokerName).containsExactly("broker-b");
        assertThat(route.queueDatas()).extracting(QueueData::brokerName).containsExactly("broker-b");
    }

    @Test
    void slaveKeepsItsGroupRoutableAfterTheMasterLeaves() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);
        routes.register(SLAVE_A, registration(SLAVE_A, 1, TopicConfig.of("orders", 4)), channelB, 1_000);
        assertThat(routes.findTopicRoute("orders").orElseThrow().brokerDatas().get(0).brokerAddrs())
                .containsOnlyKeys(0L, 1L);

        routes.remove(MASTER_A.brokerAddr());

        BrokerData group = routes.findTopicRoute("orders").orElseThrow().brokerDatas().get(0);
        assertThat(group.masterAddr()).isNull();
        assertThat(group.brokerAddrs()).containsExactly(Map.entry(1L, SLAVE_A.brokerAddr()));
    }

    @Test
    void slaveRegistrationDoesNotOverrideTheMastersTopics() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);

        boolean applied = routes.register(SLAVE_A, registration(SLAVE_A, 7, TopicConfig.of("stale", 1)), channelB, 1_000);

        assertThat(applied).isFalse();
        assertThat(routes.topicNames()).containsExactly("orders");
    }

    @Test
    void topicsAreReappliedOnlyWhenTheDataVersionChanges() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);

        boolean sameVersion = routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("other", 4)),
                channelA, 2_000);
        assertThat(sameVersion).isFalse();
        assertThat(routes.topicNames()).containsExactly("orders");
        assertThat(routes.liveInfo(MASTER_A.brokerAddr()).orElseThrow().lastUpdateMs()).isEqualTo(2_000);

        boolean newVersion = routes.register(MASTER_A, registration(MASTER_A, 2, TopicConfig.of("other", 4)),
                channelA, 3_000);
        assertThat(newVersion).isTrue();
        assertThat(routes.topicNames()).as("a topic the broker no longer lists was deleted").containsExactly("other");
    }

    @Test
    void sameAddressRegisteringUnderAnotherGroupForgetsTheOldGroup() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);
        BrokerIdentity renamed = new BrokerIdentity("c1", "broker-z", 0, MASTER_A.brokerAddr());

        routes.register(renamed, registration(renamed, 1, TopicConfig.of("orders", 4)), channelA, 2_000);

        assertThat(routes.clusterInfo().brokers()).containsOnlyKeys("broker-z");
        assertThat(routes.findTopicRoute("orders").orElseThrow().brokerDatas())
                .extracting(BrokerData::brokerName).containsExactly("broker-z");
    }

    @Test
    void brokerIdTakenOverFromANewAddressDropsTheOldAddress() {
        routes.register(MASTER_A, registration(MASTER_A, 1, TopicConfig.of("orders", 4)), channelA, 1_000);
        BrokerIdentity moved = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.9:10911");

        routes.register(moved, registration(moved, 1, TopicConfig.of("orders", 4)), channelB, 2_000);

        assertThat(routes.liveBrokers()).extracting(info -> info.broker().brokerAddr()).containsExactly("10.0.0.9:10911");
        assertThat(routes.findTopicRoute("orders").orElseThrow().brokerDatas().get(0).masterAddr())
                .isEqualTo("10.0.0.9:10911");
    }

    @Test
    void brokerMovingToAnotherClusterLeavesTheOldCluster() {
        routes.register(MASTER_A, registration(MASTER_A, 1), channelA, 1_000);
        BrokerIdentity otherCluster = new BrokerIdentity("c2", "broker-a", 0, MASTER_A.brokerAddr());

        routes.register(otherCluster, registration(otherCluster, 1), channelA, 2_000);

        assertThat(routes.clusterInfo().clusters()).containsOnlyKeys("c2");
        assertThat(routes.clusterInfo().brokers().get("broker-a").cluster()).isEqualTo("c2");
    }

    @Test
    void clusterInfoListsClustersGroupsAndLastHeartbeatPerAddress() {
        routes.register(MASTER_A, registration(MASTER_A, 1), channelA, 1_000);
        routes.register(SLAVE_A, registration(SLAVE_A, 1), channelA, 1_500);
        routes.register(MASTER_B, registration(MASTER_B, 1), channelB, 2_000);
        routes.refresh(MASTER_B.brokerAddr(), channelB, 2_500);

        ClusterInfo info = routes.clusterInfo();

        assertThat(info.clusters()).containsExactly(Map.entry("c1", java.util.Set.of("broker-a", "broker-b")));
        assertThat(info.brokers().get("broker-a").brokerAddrs()).containsOnlyKeys(0L, 1L);
        assertThat(info.lastHeartbeatMs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                MASTER_A.brokerAddr(), 1_000L, SLAVE_A.brokerAddr(), 1_500L, MASTER_B.brokerAddr(), 2_500L));
    }

    @Test
    void expiredBrokersAreThoseSilentLongerThanTheLimit() {
        routes.register(MASTER_A, registration(MASTER_A, 1), channelA, 1_000);
        routes.register(MASTER_B, registration(MASTER_B, 1), channelB, 1_500);

        assertThat(routes.findExpired(2_000, 1_000)).isEmpty();
        assertThat(routes.findExpired(2_001, 1_000)).extracting(BrokerLiveInfo::broker).containsExactly(MASTER_A);
    }

    @Test
    void heartbeatRefreshesLivenessAndTheWatchedChannelOfKnownBrokersOnly() {
        routes.register(MASTER_A, registration(MASTER_A, 1), channelA, 1_000);

        assertThat(routes.refresh(MASTER_A.brokerAddr(), channelB, 5_000)).isTrue();
        assertThat(routes.refresh("10.9.9.9:1", channelB, 5_000)).isFalse();

        assertThat(routes.findExpired(5_500, 1_000)).isEmpty();
        assertThat(routes.findByChannel(channelA)).isEmpty();
        assertThat(routes.findByChannel(channelB)).extracting(BrokerLiveInfo::broker).containsExactly(MASTER_A);
    }

    @Test
    void aMasterOfAnOlderControllerEpochDoesNotTakeTheRouteBack() {
        BrokerIdentity newMaster = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.2:10911");
        BrokerIdentity staleMaster = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.1:10911");
        BrokerIdentity nextMaster = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.3:10911");
        routes.register(newMaster, withEpoch(newMaster, 2), channelB, 1_000);

        assertThat(routes.register(staleMaster, withEpoch(staleMaster, 1), channelA, 2_000)).isFalse();
        assertThat(routes.findTopicRoute("orders").orElseThrow().brokerDatas())
                .containsExactly(new BrokerData("c1", "broker-a", Map.of(0L, "10.0.0.2:10911")));

        routes.register(nextMaster, withEpoch(nextMaster, 3), channelA, 3_000);
        assertThat(routes.findTopicRoute("orders").orElseThrow().brokerDatas())
                .containsExactly(new BrokerData("c1", "broker-a", Map.of(0L, "10.0.0.3:10911")));
    }

    private static BrokerRegistration withEpoch(BrokerIdentity b, int epoch) {
        return new BrokerRegistration(b.clusterName(), b.brokerName(), b.brokerId(), b.brokerAddr(),
                Map.of("orders", TopicConfig.of("orders", 4)), epoch, null, epoch);
    }

    private static BrokerRegistration registration(BrokerIdentity b, long dataVersion, TopicConfig... topics) {
        Map<String, TopicConfig> configs = Arrays.stream(topics)
                .collect(Collectors.toMap(TopicConfig::topic, Function.identity()));
        return new BrokerRegistration(b.clusterName(), b.brokerName(), b.brokerId(), b.brokerAddr(), configs, dataVersion);
    }
}
