package io.tidemq.broker.transaction;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.body.WaitingMessages;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET_WAITING_MESSAGES on a real broker: delayed messages waiting in the timer, per topic, earliest due first (a
 * delivered one no longer counted), and half messages without a decision with their check-back count (a committed
 * one not counted).
 */
class WaitingMessagesIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;
    private final List<ProducerStub> producers = new ArrayList<>();

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir, b -> b.transactionCheckIntervalMs(100).transactionTimeoutMs(300)
                .transactionCheckMax(1_000));
        fx.createTopic("orders", 2);
        fx.createTopic("payments", 1);
    }

    @AfterEach
    void stop() {
        producers.forEach(ProducerStub::close);
        fx.close();
    }

    private WaitingMessages waiting() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_WAITING_MESSAGES));
        assertThat(r.code()).as(r.toString()).isZero();
        return Json.fromBytes(r.body(), WaitingMessages.class);
    }

    @Test
    void delayedMessagesArePerTopicEarliestFirstAndADeliveredOneIsNoLongerCounted() {
        fx.sendOk("orders", 0, "a", Map.of(MessageConst.DELAY_MS, "600000", MessageConst.KEYS, "late"));
        fx.sendOk("orders", 1, "b", Map.of(MessageConst.DELAY_MS, "300000", MessageConst.KEYS, "sooner"));
        fx.sendOk("payments", 0, "c", Map.of(MessageConst.DELAY_MS, "600000"));
        fx.sendOk("orders", 0, "d", Map.of(MessageConst.DELAY_MS, "1000"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> waiting().scheduledTotal() == 3); // "d" delivered

        WaitingMessages w = waiting();
        assertThat(w.delayedComplete()).as(w.delayedNote()).isTrue();
        assertThat(w.delayedNote()).startsWith("complete");
        assertThat(w.delayed()).extracting(WaitingMessages.DelayedTopic::topic).containsExactly("orders", "payments");
        WaitingMessages.DelayedTopic orders = w.delayed().get(0);
        assertThat(orders.waiting()).isEqualTo(2);
        assertThat(orders.next()).extracting(WaitingMessages.Due::keys).containsExactly("sooner", "late");
        assertThat(orders.next().get(0).deliverAtMs() - orders.next().get(0).storeTimestampMs())
                .isBetween(299_000L, 301_000L);
        assertThat(w.delayed().get(1).waiting()).isEqualTo(1);
    }

    @Test
    void halfMessagesWithoutADecisionAreListedWithTheirCheckBacksAndACommittedOneIsNot() {
        ProducerStub p = new ProducerStub(fx::address, "pay-tx", "p1");
        producers.add(p);
        p.heartbeat();
        Headers.SendMessageResponse open = p.sendHalf("payments", 0, "undecided", "U1");
        Headers.SendMessageResponse done = p.sendHalf("payments", 0, "decided", "U2");
        assertThat(p.end(TransactionIntegrationTest.offsetOf(done), TransactionDecision.COMMIT).code()).isZero();

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            WaitingMessages w = waiting();
            assertThat(w.halvesComplete()).as(w.halvesNote()).isTrue();
            assertThat(w.halfWaiting()).isEqualTo(1);
            WaitingMessages.WaitingHalf h = w.halves().get(0);
            assertThat(h.transactionId()).isEqualTo("U1");
            assertThat(h.producerGroup()).isEqualTo("pay-tx");
            assertThat(h.topic()).isEqualTo("payments");
            assertThat(h.checkTimes()).as("checked back after transactionTimeoutMs").isGreaterThanOrEqualTo(1);
        });
        assertThat(open.transactionId()).isEqualTo("U1");

        assertThat(p.end(TransactionIntegrationTest.offsetOf(open), TransactionDecision.ROLLBACK).code()).isZero();
        await().atMost(10, TimeUnit.SECONDS).until(() -> waiting().halfWaiting() == 0);
    }
}
