package io.tidemq.broker.client;

import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.remoting.FakeChannel;
import io.tidemq.remoting.RemotingChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClientManagerTest {

    private final List<String> notifications = new ArrayList<>();
    private final List<List<RemotingChannel>> notifiedMembers = new ArrayList<>();
    private final ClientManager manager = new ClientManager((group, members) -> {
        notifications.add(group);
        notifiedMembers.add(members);
    }, 120_000);

    private static HeartbeatData consumer(String clientId, String... groups) {
        Set<ConsumerData> data = new java.util.HashSet<>();
        for (String g : groups) {
            data.add(new ConsumerData(g, "PUSH", "CLUSTERING", "FIRST",
                    Set.of(new SubscriptionData("orders", "*")), null));
        }
        return new HeartbeatData(clientId, Set.of(), data);
    }

    @Test
    void firstHeartbeatJoinsTheGroupAndNotifiesItsMembers() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);

        assertThat(manager.consumerIds("billing")).containsExactly("a@1@x");
        assertThat(notifications).containsExactly("billing");
        assertThat(notifiedMembers.get(0)).containsExactly(a);
        assertThat(manager.consumerGroup("billing").consumerData().subscriptions())
                .containsExactly(new SubscriptionData("orders", "*"));
    }

    @Test
    void repeatedHeartbeatsOfAKnownMemberDoNotNotify() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);
        manager.heartbeat(a, consumer("a@1@x", "billing"), 11_000);

        assertThat(notifications).hasSize(1);
    }

    @Test
    void secondMemberJoiningNotifiesBothAndIdsAreSorted() {
        FakeChannel b = new FakeChannel("10.0.0.2:1000");
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(b, consumer("b@2@x", "billing"), 1_000);
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);

        assertThat(manager.consumerIds("billing")).containsExactly("a@1@x", "b@2@x");
        assertThat(notifiedMembers.get(1)).containsExactlyInAnyOrder(a, b);
    }

    /**
     * A client that reconnected (a new connection before the old one's close was handled) is one member: the
     * rebalance input and the tidemq_consumer_clients gauge list each client id once. Twice in the list, every
     * member would compute its queues from a list the other members do not have.
     */
    @Test
    void aClientOnTwoConnectionsIsOneMember() {
        FakeChannel old = new FakeChannel("10.0.0.1:1000");
        FakeChannel reconnected = new FakeChannel("10.0.0.1:1001");
        FakeChannel b = new FakeChannel("10.0.0.2:1000");
        manager.heartbeat(old, consumer("a@1@x", "billing"), 1_000);
        manager.heartbeat(b, consumer("b@2@x", "billing"), 1_000);
        manager.heartbeat(reconnected, consumer("a@1@x", "billing"), 2_000);

        assertThat(manager.consumerIds("billing")).containsExactly("a@1@x", "b@2@x");
    }

    @Test
    void closedConnectionLeavesEveryGroupAndNotifiesTheRest() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        FakeChannel b = new FakeChannel("10.0.0.2:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);
        manager.heartbeat(b, consumer("b@2@x", "billing"), 1_000);
        notifications.clear();
        notifiedMembers.clear();

        manager.channelClosed(a);

        assertThat(manager.consumerIds("billing")).containsExactly("b@2@x");
        assertThat(notifications).containsExactly("billing");
        assertThat(notifiedMembers.get(0)).containsExactly(b);
    }

    @Test
    void lastMemberLeavingDropsTheGroup() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);
        manager.unregister(a, null, "billing");

        assertThat(manager.consumerGroupNames()).isEmpty();
        assertThat(manager.consumerGroup("billing")).isNull();
        // and it can be joined again
        manager.heartbeat(a, consumer("a@1@x", "billing"), 2_000);
        assertThat(manager.consumerIds("billing")).containsExactly("a@1@x");
    }

    @Test
    void silentClientsExpireAndTheirConnectionIsClosed() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        FakeChannel b = new FakeChannel("10.0.0.2:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);
        manager.heartbeat(b, consumer("b@2@x", "billing"), 100_000);
        notifications.clear();

        int expired = manager.scanExpired(1_000 + 120_001);

        assertThat(expired).isEqualTo(1);
        assertThat(a.isActive()).isFalse();
        assertThat(b.isActive()).isTrue();
        assertThat(manager.consumerIds("billing")).containsExactly("b@2@x");
        assertThat(notifications).containsExactly("billing");
    }

    @Test
    void scanRemovesMembersWhoseConnectionClosedWithoutAnEvent() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing"), 1_000);
        a.close();

        assertThat(manager.scanExpired(2_000)).isEqualTo(1);
        assertThat(manager.consumerGroupNames()).isEmpty();
    }

    @Test
    void heartbeatWithoutAGroupLeavesIt() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(a, consumer("a@1@x", "billing", "audit"), 1_000);
        manager.heartbeat(a, consumer("a@1@x", "audit"), 2_000);

        assertThat(manager.consumerGroupNames()).containsExactly("audit");
    }

    @Test
    void producerGroupsAreTrackedWithoutNotifications() {
        FakeChannel a = new FakeChannel("10.0.0.1:1000");
        manager.heartbeat(a, new HeartbeatData("a@1@x", Set.of("orders-producer"), Set.of()), 1_000);

        assertThat(manager.producerGroupNames()).containsExactly("orders-producer");
        assertThat(notifications).isEmpty();
        manager.channelClosed(a);
        assertThat(manager.producerGroupNames()).isEmpty();
    }
}
