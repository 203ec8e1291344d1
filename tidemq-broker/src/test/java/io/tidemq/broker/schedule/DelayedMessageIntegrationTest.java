package io.tidemq.broker.schedule;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.BrokerRuntimeInfo;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delayed messages through a real broker on an ephemeral port, over the wire. */
class DelayedMessageIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir, b -> b.timerMaxDelayMs(10_800_000).timerLookAheadMs(2_000));
        fx.createTopic("orders", 2);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    /** Pulls queue 0 of orders from {@code offset} until {@code count} messages have arrived. */
    private List<MessageExt> pullUntil(int count) {
        List<MessageExt> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            RemotingCommand r = fx.pull("g", "orders", 0, got.size(), 32, "*");
            if (r.code() == ResponseCode.SUCCESS.code()) {
                got.addAll(BrokerFixture.messages(r));
            }
            return got.size() >= count;
        });
        return got;
    }

    @Test
    void messagesDelayedOneToFiveSecondsArriveNoEarlierThanDueAndAtMostOneSecondLate() {
        long now = System.currentTimeMillis();
        for (int i = 1; i <= 5; i++) {
            fx.sendOk("orders", 0, "m" + i, Map.of(MessageConst.UNIQ_KEY, "U" + i,
                    MessageConst.DELIVER_AT_MS, Long.toString(now + i * 1_000L)));
        }

        List<MessageExt> delivered = pullUntil(5);

        assertThat(delivered).extracting(MessageExt::uniqueId).containsExactly("U1", "U2", "U3", "U4", "U5");
        for (MessageExt m : delivered) {
            long due = now + Long.parseLong(m.uniqueId().substring(1)) * 1_000L;
            assertThat(m.storeTimestampMs()).as(m.uniqueId()).isBetween(due, due + 1_000);
            assertThat(m.property(MessageConst.DELIVER_AT_MS)).isNull();
        }
    }

    @Test
    void aDelayRelativeToReceiptIsHonouredAndTheMessageIsInvisibleUntilThen() {
        long before = System.currentTimeMillis();
        fx.sendOk("orders", 0, "later", Map.of(MessageConst.DELAY_MS, "1500", MessageConst.TAGS, "T"));
        long after = System.currentTimeMillis();

        assertThat(fx.invoke(BrokerFixture.pullRequest("g", "orders", 0, 0, 32, 0, "*")).code())
                .isNotEqualTo(ResponseCode.SUCCESS.code());
        MessageExt m = pullUntil(1).get(0);

        assertThat(m.storeTimestampMs()).isBetween(before + 1_500, after + 2_500);
        assertThat(m.tag()).isEqualTo("T");
    }

    @Test
    void scheduledMessagesSurviveABrokerRestartAndArriveOnce() {
        long due = System.currentTimeMillis() + 2_000;
        fx.sendOk("orders", 0, "kept", Map.of(MessageConst.UNIQ_KEY, "K", MessageConst.DELIVER_AT_MS,
                Long.toString(due)));

        fx.restartBroker();

        MessageExt m = pullUntil(1).get(0);
        assertThat(m.uniqueId()).isEqualTo("K");
        assertThat(m.storeTimestampMs()).isGreaterThanOrEqualTo(due);
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.broker().timerService().scheduledCount() == 0);
        assertThat(fx.broker().messageStore().maxQueueOffset("orders", 0)).isEqualTo(1);
    }

    @Test
    void aDelayBeyondTimerMaxDelayMsIsRejectedAsIllegal() {
        RemotingCommand r = fx.send("orders", 0, "x", Map.of(MessageConst.DELAY_MS, "10800001"));

        assertThat(r.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
        assertThat(r.remark()).contains("timerMaxDelayMs=10800000");
    }

    @Test
    void aBatchHoldingADelayedMessageIsRejectedAsIllegal() {
        RemotingCommand r = fx.sendBatch("orders", 0, List.of(Message.builder("orders").body("a").build(),
                Message.builder("orders").body("b").delayMs(5_000).build()));

        assertThat(r.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
        assertThat(r.remark()).contains("cannot be batched");
    }

    @Test
    void runtimeInfoReportsHowManyMessagesAreScheduled() {
        fx.sendOk("orders", 1, "a", Map.of(MessageConst.DELAY_MS, "600000"));
        fx.sendOk("orders", 1, "b", Map.of(MessageConst.DELAY_MS, "600000"));

        // the count follows the CommitLog dispatcher, so it may trail the acknowledgements by milliseconds
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO));
            assertThat(r.code()).isZero();
            assertThat(Json.fromBytes(r.body(), BrokerRuntimeInfo.class).stats()).containsEntry("timerScheduled", "2");
        });
    }
}
