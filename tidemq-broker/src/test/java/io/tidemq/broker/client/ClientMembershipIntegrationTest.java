package io.tidemq.broker.client;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.ConsumerIdList;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.GroupList;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClientMembershipIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;
    private NettyRemotingClient second;
    private final ExecutorService notifyPool = Executors.newSingleThreadExecutor();
    /** Groups named by the NOTIFY_CONSUMER_IDS_CHANGED requests the fixture's client received. */
    private final BlockingQueue<String> notified = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("orders", 2);
        fx.client().registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, SyncRequestProcessor.of((ch, req) -> {
            notified.add(req.readHeader(Headers.GroupRequest.class).consumerGroup());
            return null;
        }), notifyPool);
        second = new NettyRemotingClient(NettyClientConfig.defaults());
        second.start();
    }

    @AfterEach
    void stop() {
        second.shutdown();
        fx.close();
        notifyPool.shutdownNow();
    }

    private static RemotingCommand heartbeat(String clientId, String group) {
        ConsumerData c = new ConsumerData(group, "PUSH", "CLUSTERING", "FIRST",
                Set.of(new SubscriptionData("orders", "*")), null);
        return RemotingCommand.createRequest(RequestCode.HEART_BEAT)
                .setBody(Json.toBytes(new HeartbeatData(clientId, Set.of(), Set.of(c))));
    }

    private ConsumerIdList members(String group) {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP)
                .writeHeader(new Headers.GroupRequest(group)));
        return Json.fromBytes(r.body(), ConsumerIdList.class);
    }

    @Test
    void membersJoiningAndLeavingAreListedAndNotified() throws Exception {
        assertThat(fx.invoke(heartbeat("127.0.0.1@1@a", "billing")).code()).isZero();
        assertThat(notified.poll(10, TimeUnit.SECONDS)).isEqualTo("billing");

        assertThat(second.invokeSync(fx.address(), heartbeat("127.0.0.1@2@b", "billing"), 10_000).code()).isZero();

        assertThat(notified.poll(10, TimeUnit.SECONDS)).isEqualTo("billing");
        assertThat(members("billing").clientIds()).containsExactly("127.0.0.1@1@a", "127.0.0.1@2@b");

        second.closeConnection(fx.address());

        assertThat(notified.poll(10, TimeUnit.SECONDS)).isEqualTo("billing");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> members("billing").clientIds().equals(List.of("127.0.0.1@1@a")));
    }

    @Test
    void unregisterClientLeavesTheGroup() {
        fx.invoke(heartbeat("127.0.0.1@1@a", "billing"));

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.UNREGISTER_CLIENT)
                .writeHeader(new Headers.UnregisterClientRequest("127.0.0.1@1@a", null, "billing")));

        assertThat(r.code()).isZero();
        assertThat(members("billing").clientIds()).isEmpty();
    }

    @Test
    void malformedHeartbeatIsAnInvalidParameter() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.HEART_BEAT).setBody(new byte[] {'{'}));

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
    }

    @Test
    void describeGroupReportsMembersAndLagPerQueue() {
        fx.invoke(heartbeat("127.0.0.1@1@a", "billing"));
        fx.sendOk("orders", 0, "a", Map.of());
        fx.sendOk("orders", 0, "b", Map.of());
        fx.sendOk("orders", 0, "c", Map.of());
        fx.awaitQueueEnd("orders", 0, 3); // a send is answered before dispatch
        fx.pull("billing", "orders", 0, 2, 1, "*");
        fx.broker().consumerOffsetManager().commit("billing", "orders", 0, 1);

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.DESCRIBE_CONSUMER_GROUP)
                .writeHeader(new Headers.GroupRequest("billing")));

        GroupDescription d = Json.fromBytes(r.body(), GroupDescription.class);
        assertThat(d.members()).containsExactly("127.0.0.1@1@a");
        assertThat(d.messageModel()).isEqualTo("CLUSTERING");
        assertThat(d.queues()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("lagMs")
                .containsExactly(new QueueLag("orders", 0, 3, 1, 2), new QueueLag("orders", 1, 0, -1, 0));
        assertThat(d.queues().get(0).lagMs()).as("the oldest unconsumed message's age").isNotNull().isNotNegative();
        assertThat(d.queues().get(1).lagMs()).as("never committed: unknown, not 0").isNull();
        assertThat(d.totalLag()).isEqualTo(2);

        GroupList groups = Json.fromBytes(fx.invoke(RemotingCommand.createRequest(RequestCode.GET_CONSUMER_GROUP_LIST))
                .body(), GroupList.class);
        assertThat(groups.groups()).containsExactly("billing");
    }

    @Test
    void describingAnUnknownGroupSaysSo() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.DESCRIBE_CONSUMER_GROUP)
                .writeHeader(new Headers.GroupRequest("ghost")));

        assertThat(r.code()).isEqualTo(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST.code());
    }
}
