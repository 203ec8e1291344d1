package io.tidemq.broker.group;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.body.SubscriptionGroupList;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumer group configurations (UPDATE_SUBSCRIPTION_GROUP, GET_SUBSCRIPTION_GROUPS) on a real broker: create and
 * update rules, persistence across a restart, and what the broker does with each field (consumeEnable refuses pulls,
 * retryMaxTimes decides the DLQ over the consumer's maxReconsumeTimes, consumeFromWhere answers a first offset query).
 */
class SubscriptionGroupConfigIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir, b -> b.retryBackoffSchedule("1s 2s"));
        fx.createTopic("orders", 2);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private RemotingCommand write(SubscriptionGroupConfig config, boolean create) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_SUBSCRIPTION_GROUP)
                .writeHeader(new Headers.GroupConfigRequest(create)).setBody(Json.toBytes(config)));
    }

    private SubscriptionGroupList configs() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_SUBSCRIPTION_GROUPS));
        assertThat(r.code()).as(r.toString()).isZero();
        return Json.fromBytes(r.body(), SubscriptionGroupList.class);
    }

    private RemotingCommand queryOffset(String group, int queueId) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .writeHeader(new Headers.QueryConsumerOffsetRequest(group, "orders", queueId)));
    }

    @Test
    void createRefusesAConfiguredGroupUpdateAnUnconfiguredOneAndBadValuesAreRefused() {
        assertThat(write(new SubscriptionGroupConfig("billing", true, 3, "first"), true).code()).isZero();

        RemotingCommand again = write(SubscriptionGroupConfig.defaults("billing"), true);
        assertThat(again.code()).isEqualTo(ResponseCode.NO_PERMISSION.code());
        assertThat(again.remark()).contains("already has a configuration", "admin group update");

        RemotingCommand missing = write(SubscriptionGroupConfig.defaults("nobody"), false);
        assertThat(missing.code()).isEqualTo(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST.code());
        assertThat(missing.remark()).contains("admin group create");

        RemotingCommand tooMany = write(new SubscriptionGroupConfig("x", true, 1_001, "LAST_OFFSET"), true);
        assertThat(tooMany.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(tooMany.remark()).contains("retryMaxTimes", "1000");
        RemotingCommand badStart = write(new SubscriptionGroupConfig("x", true, 1, "middle"), true);
        assertThat(badStart.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(badStart.remark()).contains("consumeFromWhere");
        RemotingCommand badName = write(new SubscriptionGroupConfig("bad name!", true, 1, "LAST_OFFSET"), true);
        assertThat(badName.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());

        assertThat(configs().groups()).containsExactly(new SubscriptionGroupConfig("billing", true, 3, "FIRST_OFFSET"));
    }

    @Test
    void configurationsSurviveARestartInTheirFile() {
        write(new SubscriptionGroupConfig("billing", false, 5, "FIRST_OFFSET"), true);
        write(new SubscriptionGroupConfig("audit", true, 0, "LAST_OFFSET"), true);
        assertThat(dir.resolve("config").resolve("subscriptionGroups.json")).exists();

        fx.restartBroker();

        assertThat(configs().groups()).containsExactly(new SubscriptionGroupConfig("audit", true, 0, "LAST_OFFSET"),
                new SubscriptionGroupConfig("billing", false, 5, "FIRST_OFFSET"));
    }

    @Test
    void consumeEnableFalseRefusesTheGroupsPullsUntilTurnedOnAgain() {
        fx.sendOk("orders", 0, "m", Map.of());
        fx.awaitQueueEnd("orders", 0, 1);
        write(new SubscriptionGroupConfig("billing", false, 16, "LAST_OFFSET"), true);

        RemotingCommand refused = fx.pull("billing", "orders", 0, 0, 1, "*");
        assertThat(refused.code()).isEqualTo(ResponseCode.NO_PERMISSION.code());
        assertThat(refused.remark()).contains("consumeEnable=false", "--consume-enable true");
        assertThat(fx.pull("other", "orders", 0, 0, 1, "*").code()).as("other groups pull").isZero();

        assertThat(write(new SubscriptionGroupConfig("billing", true, 16, "LAST_OFFSET"), false).code()).isZero();
        assertThat(fx.pull("billing", "orders", 0, 0, 1, "*").code()).isZero();
    }

    @Test
    void retryMaxTimesOfTheGroupSendsToTheDlqWhateverTheConsumerAsks() {
        fx.sendOk("orders", 0, "pay me", Map.of());
        fx.awaitQueueEnd("orders", 0, 1);
        MessageExt m = BrokerFixture.messages(fx.pull("billing", "orders", 0, 0, 1, "*")).get(0);
        RemotingCommand unconfigured = fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest("billing", m.commitLogOffset(), m.msgId(),
                        "orders", 16, false)));
        assertThat(unconfigured.readHeader(Headers.ConsumerSendMsgBackResponse.class).topic())
                .as("without a configuration the consumer's 16 apply").isEqualTo("%RETRY%billing");

        write(new SubscriptionGroupConfig("billing", true, 0, "LAST_OFFSET"), true);
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest("billing", m.commitLogOffset(), m.msgId(),
                        "orders", 16, false)));

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.readHeader(Headers.ConsumerSendMsgBackResponse.class).topic()).isEqualTo("%DLQ%billing");
    }

    @Test
    void consumeFromWhereAnswersTheFirstOffsetQueryOfAConfiguredGroup() {
        for (int i = 0; i < 3; i++) {
            fx.sendOk("orders", 1, "m" + i, Map.of());
        }
        fx.awaitQueueEnd("orders", 1, 3);
        assertThat(queryOffset("billing", 1).code()).as("unconfigured: the client decides")
                .isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());

        write(new SubscriptionGroupConfig("billing", true, 16, "FIRST_OFFSET"), true);
        write(new SubscriptionGroupConfig("audit", true, 16, "LAST_OFFSET"), true);
        write(SubscriptionGroupConfig.defaults("plain"), true);
        assertThat(queryOffset("plain", 1).code()).as("no consumeFromWhere: still the client's choice")
                .isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());

        assertThat(queryOffset("billing", 1).readHeader(Headers.OffsetResponse.class).offset()).isZero();
        assertThat(queryOffset("audit", 1).readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(3);
        fx.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest("audit", "orders", 1, 1, null, null)));
        assertThat(queryOffset("audit", 1).readHeader(Headers.OffsetResponse.class).offset())
                .as("a committed offset wins").isEqualTo(1);
    }

    @Test
    void deletingTheGroupForgetsItsConfigurationToo() {
        write(new SubscriptionGroupConfig("billing", false, 5, "FIRST_OFFSET"), true);

        RemotingCommand deleted = fx.invoke(RemotingCommand.createRequest(RequestCode.DELETE_CONSUMER_GROUP)
                .writeHeader(new Headers.DeleteGroupRequest("billing", false)));

        assertThat(deleted.code()).as(deleted.toString()).isZero();
        assertThat(configs().groups()).isEmpty();
        assertThat(fx.pull("billing", "orders", 0, 0, 1, "*").code()).as("no longer disabled")
                .isNotEqualTo(ResponseCode.NO_PERMISSION.code());
        fx.restartBroker();
        assertThat(configs().groups()).isEmpty();
    }
}
