package io.tidemq.it.transaction;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.transaction.LocalTransactionState;
import io.tidemq.client.transaction.TransactionProducer;
import io.tidemq.client.transaction.TransactionSendResult;
import io.tidemq.common.message.Message;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.JvmProcess;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.TestClients;
import io.tidemq.it.support.TopicAudit;
import io.tidemq.it.transaction.TransactionLedger.Plan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transactional messages end to end: a standalone server (SYNC flush) in a child JVM that checks back undecided
 * halves quickly, transaction producers in this JVM and in another child JVM, and a push consumer counting what
 * it receives by unique id. Consumers get exactly the committed messages; a rolled-back one never arrives;
 * decisions survive a kill -9 of the broker and of the producer that sent the half.
 */
class TransactionIT {

    private static final String TOPIC = "it-tx";
    private static final String GROUP = "it-tx-producer";
    private static final long CHECK_INTERVAL_MS = 500;
    private static final long TRANSACTION_TIMEOUT_MS = 1_000;
    /**
     * Far more check-backs than any test needs (about 5 s of them before a restart completes on a loaded
     * machine): no undecided half is rolled back for being checked too often.
     */
    private static final int CHECK_MAX = 100;
    /** Several check rounds without a check-back: every half has its decision applied. */
    private static final long QUIET_MS = 4 * CHECK_INTERVAL_MS;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Standalone server;
    private final TransactionLedger ledger = new TransactionLedger();
    private final ReceivedById received = new ReceivedById();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = Standalone.builder("standalone", ItLogs.forClass(getClass()), tmp.resolve("data")).flush("sync")
                .set("transactionCheckIntervalMs", Long.toString(CHECK_INTERVAL_MS))
                .set("transactionTimeoutMs", Long.toString(TRANSACTION_TIMEOUT_MS))
                .set("transactionCheckMax", Integer.toString(CHECK_MAX))
                .build().start();
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            admin.createTopic(TopicConfig.of(TOPIC, 2), AdminTarget.all());
            admin.awaitRoute(TOPIC, 10_000);
        }
        PushConsumer consumer = PushConsumer.builder("it-tx-consumer", config("consumer").build())
                .consumeFromWhere(ConsumeFromWhere.FIRST).build();
        consumer.subscribe(TOPIC, "*");
        consumer.registerListener(received.listener());
        clients.add(consumer);
        consumer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void commitRollbackAndCheckBacksDeliverExactlyTheCommittedMessagesOnce() {
        TransactionProducer producer = producer("tx-producer");
        Map<String, Plan> sent = new LinkedHashMap<>();
        List<Plan> plans = List.of(Plan.COMMIT, Plan.ROLLBACK, Plan.CHECK_COMMIT, Plan.CHECK_ROLLBACK);
        for (int i = 0; i < 10; i++) {
            for (Plan plan : plans) {
                TransactionSendResult r = send(producer, plan, "round " + i);
                assertThat(r.localState()).isEqualTo(plan.firstAnswer());
                sent.put(r.transactionId(), plan);
            }
        }
        Set<String> committed = idsWhere(sent, plan -> plan.outcome() == LocalTransactionState.COMMIT);

        await("the committed messages arrive").atMost(WAIT).until(() -> received.ids().containsAll(committed));
        awaitAllDecided(idsWhere(sent, plan -> plan.firstAnswer() == LocalTransactionState.UNKNOWN), Map.of());

        assertThat(received.ids()).as("delivered transactions").isEqualTo(committed);
        assertThat(received.counts().values()).as("deliveries per committed transaction").containsOnly(1);
        for (String id : committed) {
            assertThat(received.body(id)).startsWith(sent.get(id).toString());
        }
        assertStoredOnceInTheTopic(committed);
    }

    @Test
    void aHalfWhoseProducerWasKilledIsDecidedByAnotherProducerOfItsGroup() throws Exception {
        JvmProcess doomed = JvmProcess.start("doomed-producer", ItLogs.forClass(getClass()),
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dtidemq.it.log.level=WARN"),
                UndecidedTransactionMain.class.getName(), server.namesrvAddr(), GROUP, TOPIC, "2",
                tmp.resolve("doomed-offsets").toString());
        List<String> ids = new ArrayList<>();
        try (doomed) {
            doomed.awaitLine(UndecidedTransactionMain.DONE_LINE::equals, WAIT);
            for (String line : doomed.lines()) {
                if (line.startsWith(UndecidedTransactionMain.HALF_PREFIX)) {
                    ids.add(line.split(" ")[2]);
                }
            }
            doomed.kill9();
        }
        assertThat(ids).hasSize(2);
        String toCommit = ids.get(0);
        String toRollBack = ids.get(1);
        // a member that starts only now and never sends: it heartbeats every broker at start, so the broker
        // can check the orphaned halves back with it
        producer("survivor");
        // the outcome is in the shared "database" only now: a check-back answered before was UNKNOWN
        ledger.record(toCommit, LocalTransactionState.COMMIT);
        ledger.record(toRollBack, LocalTransactionState.ROLLBACK);

        await("the orphaned commit arrives").atMost(WAIT).until(() -> received.received(toCommit));
        awaitAllDecided(Set.of(toCommit, toRollBack), Map.of());

        assertThat(received.counts()).as("delivered transactions").isEqualTo(Map.of(toCommit, 1));
        assertThat(received.body(toCommit)).isEqualTo("orphan 0");
        assertStoredOnceInTheTopic(Set.of(toCommit));
    }

    @Test
    void undecidedHalvesSurviveAKillNineOfTheBrokerAndTheirCheckBacksStillDecide() {
        TransactionProducer producer = producer("tx-producer");
        String committedBefore = send(producer, Plan.COMMIT, "before").transactionId();
        String rolledBackBefore = send(producer, Plan.ROLLBACK, "before").transactionId();
        Set<String> laterCommitted = new TreeSet<>();
        Set<String> laterRolledBack = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            laterCommitted.add(send(producer, Plan.UNDECIDED, "commit after restart " + i).transactionId());
            laterRolledBack.add(send(producer, Plan.UNDECIDED, "roll back after restart " + i).transactionId());
        }
        Set<String> undecided = new TreeSet<>(laterCommitted);
        undecided.addAll(laterRolledBack);
        await("the first commit arrives").atMost(WAIT).until(() -> received.received(committedBefore));
        await("every undecided half is checked back before the crash").atMost(WAIT)
                .until(() -> undecided.stream().allMatch(id -> ledger.checks(id) > 0));

        Map<String, Integer> checksBeforeCrash = ledger.checks(undecided);
        server.kill9();
        server.start();
        laterCommitted.forEach(id -> ledger.record(id, LocalTransactionState.COMMIT));
        laterRolledBack.forEach(id -> ledger.record(id, LocalTransactionState.ROLLBACK));

        Set<String> committed = new TreeSet<>(laterCommitted);
        committed.add(committedBefore);
        await("the halves committed by check-back after the restart arrive").atMost(WAIT)
                .until(() -> received.ids().containsAll(committed));
        awaitAllDecided(undecided, checksBeforeCrash);

        // the consumer may get a message again after the crash (a lost offset commit): count ids, then audit
        assertThat(received.ids()).as("delivered transactions (rolled back before the crash: %s)", rolledBackBefore)
                .isEqualTo(committed);
        assertStoredOnceInTheTopic(committed);
    }

    /**
     * Waits until each of {@code checked} was checked back (more often than {@code checksBefore} says) and then
     * no check-back came for {@value #QUIET_MS} ms: the broker checks an undecided half every round, so by then
     * every decision applied.
     */
    private void awaitAllDecided(Set<String> checked, Map<String, Integer> checksBefore) {
        await("the undecided transactions are checked back").atMost(WAIT).until(() -> checked.stream()
                .allMatch(id -> ledger.checks(id) > checksBefore.getOrDefault(id, 0)));
        await("no check-back for " + QUIET_MS + " ms").atMost(WAIT).until(() -> ledger.quietFor(QUIET_MS));
    }

    /** The topic holds each of {@code committed} at exactly one position, and nothing else. */
    private void assertStoredOnceInTheTopic(Set<String> committed) {
        TopicAudit audit = TopicAudit.read(server.namesrvAddr(), TOPIC, config("audit").build(), WAIT);
        assertThat(audit.storedMoreThanOnce()).as("transactions stored more than once").isEmpty();
        assertThat(audit.copiesByUniqueId().keySet()).as("transactions stored in the topic").isEqualTo(committed);
    }

    private TransactionSendResult send(TransactionProducer producer, Plan plan, String note) {
        return producer.sendMessageInTransaction(Message.builder(TOPIC).body(plan + " " + note).build(), plan);
    }

    private static Set<String> idsWhere(Map<String, Plan> sent, Predicate<Plan> selected) {
        Set<String> out = new TreeSet<>();
        sent.forEach((id, plan) -> {
            if (selected.test(plan)) {
                out.add(id);
            }
        });
        return out;
    }

    private TransactionProducer producer(String instance) {
        TransactionProducer p = TransactionProducer.builder(GROUP, config(instance).build())
                .listener(ledger.listener()).build();
        clients.add(p);
        p.start();
        return p;
    }

    private ClientConfig.Builder config(String instance) {
        return TestClients.config(server.namesrvAddr(), instance, tmp.resolve("offsets"));
    }
}
