package io.tidemq.broker.retry;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.Perm;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SendMessageBackIntegrationTest {

    private static final String GROUP = "billing";
    private static final String RETRY = "%RETRY%billing";
    private static final String DLQ = "%DLQ%billing";

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir, b -> b.retryBackoffSchedule("1s 2s"));
        fx.createTopic("orders", 1);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private MessageExt sendAndPullOriginal() {
        fx.sendOk("orders", 0, "pay me", Map.of(MessageConst.UNIQ_KEY, "U-1", MessageConst.KEYS, "order-7",
                MessageConst.TAGS, "paid", "currency", "EUR"));
        RemotingCommand pulled = fx.pull(GROUP, "orders", 0, 0, 1, "*");
        assertThat(pulled.code()).as(pulled.toString()).isZero();
        return BrokerFixture.messages(pulled).get(0);
    }

    private RemotingCommand sendBack(MessageExt m, int maxReconsumeTimes, boolean directToDlq) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest(GROUP, m.commitLogOffset(), m.msgId(), "orders",
                        maxReconsumeTimes, directToDlq)));
    }

    private Headers.ConsumerSendMsgBackResponse sendBackOk(MessageExt m, int maxReconsumeTimes) {
        RemotingCommand r = sendBack(m, maxReconsumeTimes, false);
        assertThat(r.code()).as(r.toString()).isZero();
        return r.readHeader(Headers.ConsumerSendMsgBackResponse.class);
    }

    /** Waits for the message at {@code offset} of the retry queue (the long poll returns as soon as it lands). */
    private MessageExt awaitRetryCopy(long offset) {
        AtomicReference<MessageExt> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            RemotingCommand r = fx.pull(GROUP, RETRY, 0, offset, 1, "*");
            if (r.code() == ResponseCode.SUCCESS.code()) {
                found.set(BrokerFixture.messages(r).get(0));
                return true;
            }
            return false;
        });
        return found.get();
    }

    @Test
    void failedMessageReturnsThroughTheRetryTopicAfterItsBackoffWithItsCountRaised() {
        MessageExt original = sendAndPullOriginal();

        Headers.ConsumerSendMsgBackResponse h = sendBackOk(original, 16);

        assertThat(h.topic()).isEqualTo(RETRY);
        assertThat(h.reconsumeTimes()).isEqualTo(1);
        assertThat(h.deliverAtMs()).isGreaterThan(System.currentTimeMillis() + 200);
        assertThat(fx.broker().messageStore().maxQueueOffset(RETRY, 0)).as("never early").isZero();

        MessageExt retry = awaitRetryCopy(0);
        assertThat(retry.storeTimestampMs()).isGreaterThanOrEqualTo(h.deliverAtMs());
        assertThat(retry.topic()).isEqualTo(RETRY);
        assertThat(retry.reconsumeTimes()).isEqualTo(1);
        assertThat(new String(retry.body(), StandardCharsets.UTF_8)).isEqualTo("pay me");
        assertThat(retry.uniqueId()).isEqualTo("U-1");
        assertThat(retry.keys()).containsExactly("order-7");
        assertThat(retry.tag()).isEqualTo("paid");
        assertThat(retry.property("currency")).isEqualTo("EUR");
        assertThat(retry.property(MessageConst.ORIGIN_TOPIC)).isEqualTo("orders");
        assertThat(retry.property(MessageConst.ORIGIN_MSG_ID)).isEqualTo(original.msgId());
        assertThat(retry.property(MessageConst.DELIVER_AT_MS)).isNull();
    }

    @Test
    void eachFurtherFailureWaitsTheNextStepAndKeepsTheFirstOrigin() {
        MessageExt original = sendAndPullOriginal();
        sendBackOk(original, 16);
        MessageExt first = awaitRetryCopy(0);

        long before = System.currentTimeMillis();
        Headers.ConsumerSendMsgBackResponse h = sendBackOk(first, 16);

        assertThat(h.reconsumeTimes()).isEqualTo(2);
        assertThat(h.deliverAtMs()).isBetween(before + 2_000, System.currentTimeMillis() + 2_000);
        MessageExt second = awaitRetryCopy(1);
        assertThat(second.reconsumeTimes()).isEqualTo(2);
        assertThat(second.property(MessageConst.ORIGIN_TOPIC)).isEqualTo("orders");
        assertThat(second.property(MessageConst.ORIGIN_MSG_ID)).isEqualTo(original.msgId());
    }

    @Test
    void messageFailingMoreThanMaxReconsumeTimesGoesToTheDeadLetterQueueAtOnce() {
        MessageExt original = sendAndPullOriginal();
        sendBackOk(original, 1);
        MessageExt retry = awaitRetryCopy(0);

        Headers.ConsumerSendMsgBackResponse h = sendBackOk(retry, 1);

        assertThat(h.topic()).isEqualTo(DLQ);
        assertThat(h.reconsumeTimes()).isEqualTo(2);
        assertThat(h.deliverAtMs()).isZero();
        assertThat(fx.broker().topicConfigManager().get(DLQ).perm()).isEqualTo(Perm.WRITE);
        RemotingCommand consumerPull = fx.pull(GROUP, DLQ, 0, 0, 1, "*");
        assertThat(consumerPull.code()).isEqualTo(ResponseCode.NO_PERMISSION.code());
        List<MessageExt> dead = awaitDeadLetters(1);
        assertThat(dead.get(0).reconsumeTimes()).isEqualTo(2);
        assertThat(dead.get(0).uniqueId()).isEqualTo("U-1");
        assertThat(dead.get(0).property(MessageConst.ORIGIN_TOPIC)).isEqualTo("orders");
        assertThat(dead.get(0).property(MessageConst.ORIGIN_MSG_ID)).isEqualTo(original.msgId());
        assertThat(fx.broker().messageStore().maxQueueOffset(RETRY, 0)).isEqualTo(1);
    }

    @Test
    void orderedConsumersSendStraightToTheDeadLetterQueue() {
        MessageExt original = sendAndPullOriginal();

        RemotingCommand r = sendBack(original, 16, true);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.readHeader(Headers.ConsumerSendMsgBackResponse.class).topic()).isEqualTo(DLQ);
        assertThat(awaitDeadLetters(1)).hasSize(1);
        assertThat(fx.broker().topicConfigManager().get(RETRY)).isNull();
    }

    @Test
    void retryAndDeadLetterTopicsAreCreatedWithoutAutoCreateAndListedOnlyWhenAsked() {
        assertThat(fx.broker().config().autoCreateTopic()).isFalse();
        MessageExt original = sendAndPullOriginal();
        sendBackOk(original, 0);
        sendBack(original, 16, true);

        assertThat(topicList(false)).containsExactly("orders");
        assertThat(topicList(true)).contains("orders", DLQ);
        assertThat(fx.broker().topicConfigManager().get(DLQ).readQueueNums()).isEqualTo(1);
    }

    @Test
    void heartbeatOfAClusteringPushConsumerCreatesItsRetryTopicButABroadcastingOneDoesNot() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.HEART_BEAT).setBody(Json.toBytes(
                new HeartbeatData("c1", Set.of(), Set.of(
                        consumer("clustered", "CLUSTERING"), consumer("everyone", "BROADCASTING"))))));

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(fx.broker().topicConfigManager().get("%RETRY%clustered").perm()).isEqualTo(Perm.READ_WRITE);
        assertThat(fx.broker().topicConfigManager().get("%RETRY%everyone")).isNull();
    }

    private static ConsumerData consumer(String group, String model) {
        return new ConsumerData(group, "PUSH", model, "FIRST", Set.of(new SubscriptionData("orders", "*")), null);
    }

    @Test
    void retryCopyWaitingInTheTimerSurvivesABrokerRestart() {
        MessageExt original = sendAndPullOriginal();
        sendBackOk(original, 16);

        fx.restartBroker();

        MessageExt retry = awaitRetryCopy(0);
        assertThat(retry.reconsumeTimes()).isEqualTo(1);
        assertThat(retry.property(MessageConst.ORIGIN_MSG_ID)).isEqualTo(original.msgId());
        assertThat(fx.broker().messageStore().maxQueueOffset(RETRY, 0)).isEqualTo(1);
    }

    @Test
    void badRequestsAreRefusedWithAnExplanation() {
        MessageExt original = sendAndPullOriginal();

        RemotingCommand unknownOffset = fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest(GROUP, 1L << 40, null, "orders", 16, false)));
        RemotingCommand badMax = sendBack(original, -1, false);
        RemotingCommand noId = fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest(GROUP, -1, null, "orders", 16, false)));

        assertThat(unknownOffset.code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());
        assertThat(unknownOffset.remark()).contains("no message at CommitLog offset");
        assertThat(badMax.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(badMax.remark()).contains("maxReconsumeTimes");
        assertThat(noId.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
    }

    @Test
    void aMessageIdFindsTheMessageWhenNoOffsetIsGiven() {
        MessageExt original = sendAndPullOriginal();

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest(GROUP, -1, original.msgId(), "orders", 16, false)));

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(awaitRetryCopy(0).property(MessageConst.ORIGIN_MSG_ID)).isEqualTo(original.msgId());
    }

    /** The DLQ's messages once it holds {@code n} (the dispatcher indexes a put shortly after its answer). */
    private List<MessageExt> awaitDeadLetters(int n) {
        AtomicReference<List<MessageExt>> dead = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            dead.set(DeadLetterAdminIntegrationTest.listDlq(fx, GROUP));
            return dead.get().size() == n;
        });
        return dead.get();
    }

    private List<String> topicList(boolean includeSystem) {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_LIST)
                .writeHeader(new Headers.TopicListRequest(includeSystem)));
        return Json.fromBytes(r.body(), TopicList.class).topics();
    }
}
