package io.tidemq.broker.admin;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.BrokerRuntimeInfo;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicAdminIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private RemotingCommand topicRequest(RequestCode code, String topic) {
        return fx.invoke(RemotingCommand.createRequest(code).writeHeader(new Headers.TopicRequest(topic)));
    }

    private List<String> list(Boolean includeSystem) {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_LIST)
                .writeHeader(new Headers.TopicListRequest(includeSystem)));
        return Json.fromBytes(r.body(), TopicList.class).topics();
    }

    /**
     * messaging-audit #23: deleting a topic deletes its queues' data, so a topic re-created under the name
     * starts empty, and a pull held on it is answered at once, without messages.
     */
    @Test
    void aDeletedTopicIsRecreatedEmptyAndItsHeldPullsAreAnsweredWithoutMessages() throws Exception {
        fx.createTopic("orders", 1);
        for (int i = 0; i < 3; i++) {
            fx.sendOk("orders", 0, "old-" + i, Map.of());
        }
        fx.awaitQueueEnd("orders", 0, 3);
        java.util.concurrent.CompletableFuture<RemotingCommand> held = fx.client().invokeAsync(fx.address(),
                BrokerFixture.pullRequest("g", "orders", 0, 3, 32, 30_000, "*"), 35_000);
        org.awaitility.Awaitility.await().until(() -> fx.broker().pullRequestHoldService().heldCount() == 1);

        assertThat(topicRequest(RequestCode.DELETE_TOPIC, "orders").code()).isZero();

        RemotingCommand answer = held.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ResponseCode.describe(answer.code())).isEqualTo(ResponseCode.describe(ResponseCode.TOPIC_NOT_EXIST.code()));
        assertThat(answer.body()).isNullOrEmpty();

        fx.createTopic("orders", 1);
        RemotingCommand pulled = fx.invoke(BrokerFixture.pullRequest("g", "orders", 0, 0, 32, 0, "*"));
        assertThat(ResponseCode.describe(pulled.code())).isEqualTo(ResponseCode.describe(ResponseCode.PULL_NOT_FOUND.code()));
        assertThat(fx.sendOk("orders", 0, "new-0", Map.of()).queueOffset()).isZero();
        fx.awaitQueueEnd("orders", 0, 1);
        assertThat(BrokerFixture.messages(fx.pull("g", "orders", 0, 0, 32, "*")))
                .extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactly("new-0");
    }

    @Test
    void createdAndDeletedTopicsPersistAcrossRestarts() {
        fx.createTopic("orders", 4);
        fx.createTopic("audit", 1);
        assertThat(topicRequest(RequestCode.DELETE_TOPIC, "audit").code()).isZero();

        fx.restartBroker();

        assertThat(list(null)).containsExactly("orders");
        assertThat(fx.broker().topicConfigManager().get("orders").writeQueueNums()).isEqualTo(4);
    }

    private RemotingCommand createTopics(List<TopicConfig> configs) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.CREATE_TOPICS)
                .setBody(Json.toBytes(new io.tidemq.common.route.TopicConfigList(configs))));
    }

    @Test
    void createTopicsCreatesTheBurstAsOneChangeAnsweredOnceTheirQueuesExistAndKeptAcrossRestarts() {
        long versionBefore = fx.broker().topicConfigManager().dataVersion();
        List<TopicConfig> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(TopicConfig.of("burst-" + i, 8));
        }

        RemotingCommand r = createTopics(burst);

        assertThat(r.code()).isZero();
        assertThat(r.fieldAsInt("created")).isEqualTo(200);
        assertThat(fx.broker().topicConfigManager().dataVersion()).isEqualTo(versionBefore + 1);
        for (int i = 0; i < 200; i++) {
            assertThat(fx.broker().messageStore().queueIds("burst-" + i)).as("queues of burst-" + i).hasSize(8);
        }
        assertThat(createTopics(burst).fieldAsInt("created")).isZero();
        assertThat(fx.sendOk("burst-7", 3, "x", Map.of()).queueOffset()).isZero();

        fx.restartBroker();

        assertThat(list(null)).hasSize(200).contains("burst-0", "burst-199");
        assertThat(fx.broker().topicConfigManager().get("burst-199").writeQueueNums()).isEqualTo(8);
    }

    @Test
    void createTopicsWithOneConflictCreatesNoneAndSaysWhich() {
        fx.createTopic("orders", 4);

        RemotingCommand r = createTopics(List.of(TopicConfig.of("fresh", 1), TopicConfig.of("orders", 2)));

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(r.remark()).contains("orders");
        assertThat(list(null)).containsExactly("orders");
        assertThat(createTopics(List.of()).code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
    }

    @Test
    void updateChangesQueueCountsAndPermissions() {
        fx.createTopic("orders", 4);

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_TOPIC)
                .setBody(Json.toBytes(new TopicConfig("orders", 8, 8, Perm.READ, false))));

        assertThat(r.code()).isZero();
        assertThat(fx.broker().topicConfigManager().get("orders").readQueueNums()).isEqualTo(8);
        assertThat(fx.send("orders", 0, "x", Map.of()).code()).isEqualTo(ResponseCode.NO_PERMISSION.code());
    }

    @Test
    void createWithAnotherConfigurationOfAnExistingTopicFails() {
        fx.createTopic("orders", 4);

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.CREATE_TOPIC)
                .setBody(Json.toBytes(TopicConfig.of("orders", 2))));

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(r.remark()).contains("UPDATE_TOPIC");
    }

    @Test
    void malformedTopicConfigBodyIsRejectedWithTheReason() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.CREATE_TOPIC)
                .setBody("{\"topic\":\"t\",\"readQueueNums\":0,\"writeQueueNums\":1,\"perm\":6}"
                        .getBytes(StandardCharsets.UTF_8)));

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(r.remark()).contains("readQueueNums");
    }

    @Test
    void deletingAnUnknownTopicAnswersTopicNotExist() {
        assertThat(topicRequest(RequestCode.DELETE_TOPIC, "nowhere").code())
                .isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
    }

    @Test
    void retryAndDlqTopicsAreListedOnlyOnRequest() {
        fx.createTopic("orders", 1);
        fx.createTopic("%RETRY%billing", 1);
        fx.createTopic("%DLQ%billing", 1);

        assertThat(list(null)).containsExactly("orders");
        assertThat(list(true)).containsExactlyInAnyOrder("orders", "%RETRY%billing", "%DLQ%billing");
    }

    @Test
    void topicStatsReportEachQueuesOffsets() {
        fx.createTopic("orders", 2);
        fx.sendOk("orders", 1, "a", Map.of());
        fx.sendOk("orders", 1, "b", Map.of());
        fx.pull("g", "orders", 1, 1, 1, "*");

        RemotingCommand r = topicRequest(RequestCode.GET_TOPIC_STATS, "orders");

        TopicStats stats = Json.fromBytes(r.body(), TopicStats.class);
        assertThat(stats.queues()).hasSize(2);
        assertThat(stats.queues().get(0).maxOffset()).isZero();
        assertThat(stats.queues().get(1).maxOffset()).isEqualTo(2);
        assertThat(stats.queues().get(1).lastUpdateTimestampMs()).isPositive();
        assertThat(stats.storedMessages()).isEqualTo(2);
    }

    @Test
    void runtimeInfoReportsIdentityAndTotals() {
        fx.createTopic("orders", 1);
        fx.sendOk("orders", 0, "a", Map.of());

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO));

        Map<String, String> info = Json.fromBytes(r.body(), BrokerRuntimeInfo.class).stats();
        assertThat(info).containsEntry("brokerName", "broker-t").containsEntry("brokerAddr", fx.address())
                .containsEntry("putMessageTotal", "1").containsEntry("topicCount", "1")
                .containsKeys("storeCommitLogMaxOffset", "diskUsableBytes");
    }
}
