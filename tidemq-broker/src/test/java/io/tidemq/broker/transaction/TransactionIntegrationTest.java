package io.tidemq.broker.transaction;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.broker.schedule.TimerRecords;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transactions end to end on a real broker: half sends, END_TRANSACTION, check-backs answered by producer
 * connections, and what consumers see. Check-backs run every 100 ms for halves older than 300 ms.
 */
class TransactionIntegrationTest {

    static final String TOPIC = "payments";
    static final String GROUP = "pay-tx";

    @TempDir
    Path dir;

    private BrokerFixture fx;
    private final List<ProducerStub> producers = new ArrayList<>();

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir, b -> b.transactionCheckIntervalMs(100).transactionTimeoutMs(300)
                .transactionCheckMax(3));
        fx.createTopic(TOPIC, 2);
    }

    @AfterEach
    void stop() {
        producers.forEach(ProducerStub::close);
        fx.close();
    }

    private ProducerStub producer(String clientId) {
        ProducerStub p = new ProducerStub(fx::address, GROUP, clientId);
        producers.add(p);
        p.heartbeat();
        return p;
    }

    static long offsetOf(Headers.SendMessageResponse sent) {
        return MessageId.decode(sent.msgId()).physicalOffset();
    }

    /** What a consumer pulling queue {@code queueId} from the start gets now. */
    private List<MessageExt> visible(int queueId) {
        RemotingCommand r = fx.invoke(BrokerFixture.pullRequest("audit", TOPIC, queueId, 0, 100, 0, "*"));
        return r.code() == ResponseCode.SUCCESS.code() ? BrokerFixture.messages(r) : List.of();
    }

    private List<String> visibleBodies(int queueId) {
        return visible(queueId).stream().map(m -> new String(m.body(), StandardCharsets.UTF_8)).toList();
    }

    /** Every op record stored so far. */
    private List<OpRecord> ops() {
        List<StoredMessage> stored = fx.broker().messageStore().getMessages(TransactionTopics.OP_TOPIC,
                TransactionTopics.QUEUE_ID, 0, 10_000, 64L << 20, null).messages();
        return stored.stream().map(OpRecord::from).toList();
    }

    private List<OpRecord> decisionsFor(long halfOffset) {
        return ops().stream().filter(o -> o.halfOffset() == halfOffset && o.type() != OpRecord.Type.CHECK).toList();
    }

    @Test
    void commitDeliversTheMessageWithItsPropertiesRestored() {
        ProducerStub p = producer("p1");
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 1, "order-1", "U1");
        assertThat(sent.transactionId()).isEqualTo("U1");
        assertThat(visible(1)).isEmpty();

        RemotingCommand r = p.end(offsetOf(sent), TransactionDecision.COMMIT);

        assertThat(r.code()).as(r.toString()).isZero();
        await().atMost(5, TimeUnit.SECONDS).until(() -> visible(1).size() == 1);
        MessageExt m = visible(1).get(0);
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("order-1");
        assertThat(m.topic()).isEqualTo(TOPIC);
        assertThat(m.uniqueId()).isEqualTo("U1");
        assertThat(m.tag()).isEqualTo("T");
        assertThat(m.property("user")).isEqualTo("u-U1");
        assertThat(m.properties()).doesNotContainKeys(MessageConst.TRANSACTION_PREPARED, MessageConst.REAL_TOPIC,
                MessageConst.REAL_QUEUE_ID);
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(decisionsFor(offsetOf(sent)))
                .extracting(OpRecord::type).containsExactly(OpRecord.Type.COMMIT));
    }

    @Test
    void aCommittedMessageWithADelayIsScheduledFromTheCommitOn() {
        ProducerStub p = producer("p1");
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 0, "later", "U1",
                Map.of(MessageConst.DELAY_MS, "60000"));
        long timerBefore = fx.broker().messageStore().maxQueueOffset(TimerRecords.TOPIC, TimerRecords.QUEUE_ID);

        assertThat(p.end(offsetOf(sent), TransactionDecision.COMMIT).code()).isZero();

        await().atMost(5, TimeUnit.SECONDS).until(() -> fx.broker().messageStore()
                .maxQueueOffset(TimerRecords.TOPIC, TimerRecords.QUEUE_ID) == timerBefore + 1);
        StoredMessage scheduled = fx.broker().messageStore().getMessages(TimerRecords.TOPIC, TimerRecords.QUEUE_ID,
                timerBefore, 1, 1 << 20, null).messages().get(0);
        assertThat(scheduled.property(MessageConst.REAL_TOPIC)).isEqualTo(TOPIC);
        assertThat(scheduled.uniqueKey()).isEqualTo("U1");
        assertThat(scheduled.properties()).doesNotContainKey(MessageConst.TRANSACTION_PREPARED);
        assertThat(visible(0)).isEmpty();
    }

    @Test
    void halfMessagesCannotBePulledFromTheHalfTopic() {
        producer("p1").sendHalf(TOPIC, 0, "secret", "U1");

        RemotingCommand r = fx.invoke(BrokerFixture.pullRequest("spy", TransactionTopics.HALF_TOPIC, 0, 0, 10, 0, "*"));

        assertThat(r.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
    }

    @Test
    void rollbackDiscardsTheHalfAndIsNeverCheckedBack() {
        ProducerStub p = producer("p1");
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 0, "order-1", "U1");

        RemotingCommand r = p.end(offsetOf(sent), TransactionDecision.ROLLBACK);

        assertThat(r.code()).as(r.toString()).isZero();
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(decisionsFor(offsetOf(sent)))
                .extracting(OpRecord::type).containsExactly(OpRecord.Type.ROLLBACK));
        await().during(Duration.ofMillis(800)).atMost(3, TimeUnit.SECONDS)
                .until(() -> visible(0).isEmpty() && p.checks.isEmpty());
    }

    @Test
    void unknownIsCheckedBackAndTheAnswerCommits() throws Exception {
        ProducerStub p = producer("p1");
        p.answer = TransactionDecision.COMMIT;
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 1, "order-1", "U1");

        assertThat(p.end(offsetOf(sent), TransactionDecision.UNKNOWN).code()).isZero();

        ProducerStub.Check check = p.checks.poll(5, TimeUnit.SECONDS);
        assertThat(check).isNotNull();
        assertThat(check.header().producerGroup()).isEqualTo(GROUP);
        assertThat(check.header().commitLogOffset()).isEqualTo(offsetOf(sent));
        assertThat(check.header().transactionId()).isEqualTo("U1");
        assertThat(check.header().checkTimes()).isEqualTo(1);
        assertThat(check.message().topic()).isEqualTo(TOPIC);
        assertThat(check.message().queueId()).isEqualTo(1);
        assertThat(check.message().uniqueId()).isEqualTo("U1");
        await().atMost(5, TimeUnit.SECONDS).until(() -> visibleBodies(1).equals(List.of("order-1")));
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(decisionsFor(offsetOf(sent)))
                .singleElement().satisfies(op -> assertThat(op.source()).isEqualTo("CHECK")));
    }

    @Test
    void unknownIsCheckedBackAndTheAnswerRollsBack() {
        ProducerStub p = producer("p1");
        p.answer = TransactionDecision.ROLLBACK;
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 0, "order-1", "U1");

        await().atMost(5, TimeUnit.SECONDS).until(() -> !decisionsFor(offsetOf(sent)).isEmpty());

        assertThat(decisionsFor(offsetOf(sent))).extracting(OpRecord::type).containsExactly(OpRecord.Type.ROLLBACK);
        int checksSoFar = p.checks.size();
        await().during(Duration.ofMillis(600)).atMost(3, TimeUnit.SECONDS)
                .until(() -> visible(0).isEmpty() && p.checks.size() == checksSoFar);
    }

    @Test
    void duplicateEndTransactionsAreAppliedOnce() {
        ProducerStub p = producer("p1");
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 0, "order-1", "U1");
        long offset = offsetOf(sent);

        List<CompletableFuture<RemotingCommand>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(p.endAsync(offset, TransactionDecision.COMMIT, false));
        }
        List<RemotingCommand> answers = calls.stream().map(CompletableFuture::join).toList();
        RemotingCommand late = p.end(offset, TransactionDecision.COMMIT);

        assertThat(answers).allSatisfy(a -> assertThat(a.code()).as(a.toString()).isZero());
        // the duplicates say "already committed", or "decided before" once the check boundary passed the half
        assertThat(answers).filteredOn(a -> a.remark().contains("nothing changed")).hasSize(7);
        assertThat(late.code()).isZero();
        assertThat(late.remark()).contains("nothing changed");
        await().during(Duration.ofMillis(500)).atMost(3, TimeUnit.SECONDS)
                .until(() -> visibleBodies(0).equals(List.of("order-1")));
        assertThat(decisionsFor(offset)).hasSize(1);
    }

    @Test
    void aDecisionRacingItsCheckBackIsAppliedOnce() throws Exception {
        ProducerStub p = producer("p1");
        p.answer = TransactionDecision.ROLLBACK;
        Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 0, "order-1", "U1");
        long offset = offsetOf(sent);

        // the check-back arrives while the producer's own (late) COMMIT is on its way
        ProducerStub.Check check = p.checks.poll(5, TimeUnit.SECONDS);
        assertThat(check).isNotNull();
        RemotingCommand own = p.endAsync(offset, TransactionDecision.COMMIT, false).get(10, TimeUnit.SECONDS);

        assertThat(own.code()).isZero();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !decisionsFor(offset).isEmpty());
        await().during(Duration.ofMillis(500)).atMost(3, TimeUnit.SECONDS).until(() -> decisionsFor(offset).size() == 1);
        OpRecord decided = decisionsFor(offset).get(0);
        List<String> expected = decided.type() == OpRecord.Type.COMMIT ? List.of("order-1") : List.of();
        await().during(Duration.ofMillis(300)).atMost(3, TimeUnit.SECONDS)
                .until(() -> visibleBodies(0).equals(expected));
    }

    @Test
    void anotherProducerOfTheGroupAnswersWhenTheSenderIsGone() {
        ProducerStub sender = producer("p1");
        Headers.SendMessageResponse sent = sender.sendHalf(TOPIC, 1, "order-1", "U1");
        sender.close();
        ProducerStub survivor = producer("p2");
        survivor.answer = TransactionDecision.COMMIT;

        await().atMost(5, TimeUnit.SECONDS).until(() -> visibleBodies(1).equals(List.of("order-1")));

        assertThat(survivor.checks).isNotEmpty();
        assertThat(decisionsFor(offsetOf(sent))).hasSize(1);
    }

    @Test
    void aHalfNobodyDecidesIsRolledBackAfterTransactionCheckMaxCheckBacks() {
        ProducerStub silent = producer("p1");
        Headers.SendMessageResponse sent = silent.sendHalf(TOPIC, 0, "order-1", "U1");

        await().atMost(10, TimeUnit.SECONDS).until(() -> !decisionsFor(offsetOf(sent)).isEmpty());

        OpRecord decided = decisionsFor(offsetOf(sent)).get(0);
        assertThat(decided.type()).isEqualTo(OpRecord.Type.ROLLBACK);
        assertThat(decided.source()).isEqualTo("CHECK_MAX");
        await().atMost(3, TimeUnit.SECONDS).until(() -> silent.checks.size() == 3);
        assertThat(silent.checks).extracting(c -> c.header().checkTimes()).containsExactly(1, 2, 3);
        assertThat(visible(0)).isEmpty();
    }

    @Test
    void consumersSeeExactlyTheCommittedMessages() {
        ProducerStub p = producer("p1");
        p.answer = TransactionDecision.COMMIT;
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Headers.SendMessageResponse sent = p.sendHalf(TOPIC, 0, "m" + i, "U" + i);
            TransactionDecision d = switch (i % 3) {
                case 0 -> TransactionDecision.COMMIT;
                case 1 -> TransactionDecision.ROLLBACK;
                default -> TransactionDecision.UNKNOWN;  // the check-back commits it
            };
            assertThat(p.end(offsetOf(sent), d).code()).isZero();
            if (d != TransactionDecision.ROLLBACK) {
                committed.add("m" + i);
            }
        }

        await().atMost(5, TimeUnit.SECONDS).until(() -> visibleBodies(0).size() == committed.size());
        assertThat(visibleBodies(0)).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void endTransactionForSomethingElseIsRefused() {
        ProducerStub p = producer("p1");
        Headers.SendMessageResponse plain = fx.sendOk(TOPIC, 0, "plain", Map.of());
        Headers.SendMessageResponse half = p.sendHalf(TOPIC, 0, "order-1", "U1");
        ProducerStub other = new ProducerStub(fx::address, "other-group", "p9");
        producers.add(other);

        RemotingCommand notAHalf = p.end(offsetOf(plain), TransactionDecision.COMMIT);
        RemotingCommand wrongGroup = other.end(offsetOf(half), TransactionDecision.COMMIT);

        assertThat(notAHalf.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(notAHalf.remark()).contains("not a half message");
        assertThat(wrongGroup.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(wrongGroup.remark()).contains("belongs to producer group 'pay-tx'");
        assertThat(p.end(offsetOf(half), TransactionDecision.COMMIT).code()).isZero();
    }
}
