package io.tidemq.broker.transaction;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tidemq.broker.transaction.TransactionIntegrationTest.offsetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A broker closed and reopened on the same store in the middle of transactions. */
class TransactionRestartIntegrationTest {

    private static final String TOPIC = "payments";
    private static final String GROUP = "pay-tx";

    @TempDir
    Path dir;

    private BrokerFixture fx;
    private ProducerStub before;
    private ProducerStub after;

    @AfterEach
    void stop() {
        if (before != null) {
            before.close();
        }
        if (after != null) {
            after.close();
        }
        fx.close();
    }

    private List<String> visibleBodies() {
        RemotingCommand r = fx.invoke(BrokerFixture.pullRequest("audit", TOPIC, 0, 0, 100, 0, "*"));
        List<MessageExt> found = r.code() == ResponseCode.SUCCESS.code() ? BrokerFixture.messages(r) : List.of();
        return found.stream().map(m -> new String(m.body(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void undecidedHalvesAndDecisionsSurviveARestart() throws Exception {
        fx = new BrokerFixture(dir, b -> b.transactionCheckIntervalMs(100).transactionTimeoutMs(300));
        fx.createTopic(TOPIC, 1);
        before = new ProducerStub(fx::address, GROUP, "p1");
        before.heartbeat();
        // the undecided half comes first, so the check boundary stays below the decided ones: after the
        // restart their decisions must come back from the op records
        Headers.SendMessageResponse undecided = before.sendHalf(TOPIC, 0, "undecided", "U3");
        Headers.SendMessageResponse committed = before.sendHalf(TOPIC, 0, "committed", "U1");
        Headers.SendMessageResponse rolledBack = before.sendHalf(TOPIC, 0, "rolled-back", "U2");
        assertThat(before.end(offsetOf(committed), TransactionDecision.COMMIT).code()).isZero();
        assertThat(before.end(offsetOf(rolledBack), TransactionDecision.ROLLBACK).code()).isZero();
        // the silent producer lets the undecided half be checked back at least once before the restart
        ProducerStub.Check lastBefore = before.checks.poll(5, TimeUnit.SECONDS);
        assertThat(lastBefore).isNotNull();
        before.close();

        fx.restartBroker();

        after = new ProducerStub(fx::address, GROUP, "p2");
        RemotingCommand duplicate = after.end(offsetOf(committed), TransactionDecision.COMMIT);
        RemotingCommand flipped = after.end(offsetOf(rolledBack), TransactionDecision.COMMIT);
        assertThat(duplicate.code()).isZero();
        assertThat(duplicate.remark()).contains("already committed");
        assertThat(flipped.code()).isZero();
        assertThat(flipped.remark()).contains("already rolled back");
        after.answer = TransactionDecision.COMMIT;
        after.heartbeat();

        ProducerStub.Check firstAfter = after.checks.poll(5, TimeUnit.SECONDS);
        assertThat(firstAfter).isNotNull();
        assertThat(firstAfter.header().commitLogOffset()).isEqualTo(offsetOf(undecided));
        assertThat(firstAfter.header().checkTimes()).isGreaterThan(lastBefore.header().checkTimes());
        await().atMost(5, TimeUnit.SECONDS).until(() -> visibleBodies().size() == 2);
        await().during(Duration.ofMillis(500)).atMost(3, TimeUnit.SECONDS)
                .until(() -> visibleBodies().equals(List.of("committed", "undecided")));
    }

    @Test
    void aProgressFileAheadOfTheStoreIsCappedSoNewHalvesAreStillDecided() throws Exception {
        Path progress = dir.resolve("config").resolve("transactionProgress.json");
        Files.createDirectories(progress.getParent());
        // as a crash can leave it: fsynced progress beyond an ASYNC-flushed CommitLog tail that was lost
        Files.writeString(progress, "{\"halfQueueOffset\":50,\"boundaryOffset\":1000000000,\"opQueueOffset\":70}");
        fx = new BrokerFixture(dir, b -> b.transactionCheckIntervalMs(100).transactionTimeoutMs(300));
        fx.createTopic(TOPIC, 1);
        before = new ProducerStub(fx::address, GROUP, "p1");
        before.heartbeat();
        before.answer = TransactionDecision.COMMIT;

        Headers.SendMessageResponse direct = before.sendHalf(TOPIC, 0, "direct", "U1");
        before.sendHalf(TOPIC, 0, "checked", "U2");
        RemotingCommand r = before.end(offsetOf(direct), TransactionDecision.COMMIT);

        assertThat(r.remark()).contains("committed").doesNotContain("before");
        await().atMost(5, TimeUnit.SECONDS).until(() -> visibleBodies().size() == 2);
        assertThat(visibleBodies()).containsExactly("direct", "checked");
    }

    @Test
    void decisionsOfFinishedHalvesAreRememberedAfterTheProgressMovedPastThem() {
        fx = new BrokerFixture(dir, b -> b.transactionCheckIntervalMs(50).transactionTimeoutMs(60_000));
        fx.createTopic(TOPIC, 1);
        before = new ProducerStub(fx::address, GROUP, "p1");
        Headers.SendMessageResponse committed = before.sendHalf(TOPIC, 0, "committed", "U1");
        assertThat(before.end(offsetOf(committed), TransactionDecision.COMMIT).code()).isZero();
        Path progress = fx.broker().config().configDir().resolve("transactionProgress.json");
        await().atMost(5, TimeUnit.SECONDS).until(() -> progress.toFile().exists()
                && Files.readString(progress).contains("\"halfQueueOffset\":1"));
        before.close();

        fx.restartBroker();

        after = new ProducerStub(fx::address, GROUP, "p2");
        RemotingCommand duplicate = after.end(offsetOf(committed), TransactionDecision.ROLLBACK);
        assertThat(duplicate.code()).isZero();
        assertThat(duplicate.remark()).contains("decided before");
        await().during(Duration.ofMillis(300)).atMost(3, TimeUnit.SECONDS)
                .until(() -> visibleBodies().equals(List.of("committed")));
    }
}
