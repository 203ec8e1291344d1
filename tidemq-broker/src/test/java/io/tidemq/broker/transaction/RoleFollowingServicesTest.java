package io.tidemq.broker.transaction;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.HaConfig;
import io.tidemq.broker.ha.ReplicationMode;
import io.tidemq.broker.ha.ReplicationService;
import io.tidemq.broker.schedule.TimerProgress;
import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tidemq.broker.transaction.TransactionIntegrationTest.offsetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Brokers that follow a controller change roles at run time, and the services that write on their own follow the
 * role: timer deliveries and transaction check-backs run on the master only, start on the replica promoted at run
 * time from the progress its former master replicated, and stop on the demoted one. The controller's decisions are
 * played by calling {@link ReplicationService#becomeMaster}/{@link ReplicationService#becomeSlave} directly (the
 * controller addresses point at a closed port; {@code ControllerFollower} acts only on answers).
 */
class RoleFollowingServicesTest {

    private static final String TOPIC = "orders";
    private static final String PRODUCER_GROUP = "pg";
    private static final int EARLY = 4;
    private static final int LATE = 3;
    /** Late messages are due this long after they are sent: after the failover below. */
    private static final long LATE_DELAY_MS = 9_000;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void aSlaveNeitherDeliversNorChecksBackAndThePromotedReplicaDeliversEachDelayedMessageOnce() throws Exception {
        String deadController = "127.0.0.1:" + freePort();
        BrokerFixture a = controlledReplica("a", 1, deadController);
        BrokerFixture b = controlledReplica("b", 2, deadController);
        ReplicationService ra = a.broker().replication();
        ReplicationService rb = b.broker().replication();
        // the test plays the controller: these ASYNC masters' leases never lapse
        ra.useControllerLease(() -> Long.MAX_VALUE);
        rb.useControllerLease(() -> Long.MAX_VALUE);
        assertThat(a.broker().timerService().isRunning()).as("no role yet: no deliveries").isFalse();

        // epoch 1: a is master, b its slave
        ra.becomeMaster(1);
        rb.becomeSlave(1, "127.0.0.1:" + ra.haPort(), a.address());
        assertThat(a.broker().timerService().isRunning()).isTrue();
        assertThat(b.broker().timerService().isRunning()).as("a slave's timer does not run").isFalse();
        a.createTopic(TOPIC, 1);

        ProducerStub onA = stub(a, "p-a");
        ProducerStub onB = stub(b, "p-b"); // a member of the group on the slave: it would be asked if b checked back
        long lastEarlyDueMs = 0;
        for (int i = 0; i < EARLY; i++) {
            lastEarlyDueMs = System.currentTimeMillis() + 200 + 50L * i;
            a.sendOk(TOPIC, 0, "early-" + i, Map.of(MessageConst.DELIVER_AT_MS, Long.toString(lastEarlyDueMs)));
        }
        long lateDueMs = System.currentTimeMillis() + LATE_DELAY_MS;
        for (int i = 0; i < LATE; i++) {
            a.sendOk(TOPIC, 0, "late-" + i, Map.of(MessageConst.DELIVER_AT_MS, Long.toString(lateDueMs + 50L * i)));
        }
        var undecided = onA.sendHalf(TOPIC, 0, "undecided", "K1"); // nobody answers its check-backs
        await("the master checks the undecided half back").atMost(Duration.ofSeconds(10))
                .until(() -> !onA.checks.isEmpty());
        a.awaitQueueEnd(TOPIC, 0, EARLY);

        // the slave holds the master's timer progress, past every early delivery
        long lastEarly = lastEarlyDueMs;
        Path adopted = dir.resolve("b").resolve(TimerProgress.FILE_NAME);
        await("the slave adopts the master's timer progress").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            TimerProgress published = a.broker().timerService().progress();
            assertThat(published).isNotNull();
            assertThat(published.deliveredCursorMs()).isGreaterThan(lastEarly);
            // a publication made before everything was indexed skips less (the redelivery guard catches the rest)
            assertThat(published.indexedBelowQueueOffset()).as("every delayed message indexed")
                    .isEqualTo(EARLY + LATE);
            assertThat(new AtomicJsonFile(adopted).read(TimerProgress.class)).isEqualTo(published);
        });
        await("the slave holds the early deliveries").atMost(Duration.ofSeconds(10))
                .until(() -> b.broker().messageStore().maxQueueOffset(TOPIC, 0) == EARLY);
        assertThat(System.currentTimeMillis()).as("the failover happens before the late messages are due")
                .isLessThan(lateDueMs - 1_000);
        assertThat(b.broker().timerService().deliveredCount()).as("the slave delivered nothing").isZero();
        assertThat(b.broker().timerService().isRunning()).isFalse();
        assertThat(onB.checks).as("the slave checked nothing back").isEmpty();

        await("the master counted its deliveries").atMost(Duration.ofSeconds(10))
                .until(() -> a.broker().timerService().deliveredCount() == EARLY);

        // epoch 2: a stops being master, b is elected, a follows b
        ra.becomeSlave(2, null, null);
        long deliveredByA = a.broker().timerService().deliveredCount();
        assertThat(deliveredByA).isEqualTo(EARLY);
        assertThat(a.broker().timerService().isRunning()).as("the demoted master's timer stops").isFalse();
        rb.becomeMaster(2);
        ra.becomeSlave(2, "127.0.0.1:" + rb.haPort(), b.address());
        assertThat(b.broker().timerService().isRunning()).isTrue();

        b.awaitQueueEnd(TOPIC, 0, EARLY + LATE);
        await("every scheduled message is delivered on the new master").atMost(Duration.ofSeconds(20))
                .until(() -> b.broker().timerService().scheduledCount() == 0);
        Map<String, Integer> copies = new HashMap<>();
        for (MessageExt m : BrokerFixture.messages(b.pull("g", TOPIC, 0, 0, 100, "*"))) {
            copies.merge(new String(m.body(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        Map<String, Integer> once = new HashMap<>();
        for (int i = 0; i < EARLY; i++) {
            once.put("early-" + i, 1);
        }
        for (int i = 0; i < LATE; i++) {
            once.put("late-" + i, 1);
        }
        assertThat(copies).as("each delayed message delivered exactly once across the failover").isEqualTo(once);
        assertThat(b.broker().timerService().deliveredCount()).as("the new master delivered the late ones")
                .isEqualTo(LATE);
        assertThat(b.broker().timerService().duplicatesSkippedCount()).isZero();
        assertThat(b.broker().timerService().skippedDeliveredCount()).as("its former master's deliveries skipped")
                .isEqualTo(EARLY);
        assertThat(a.broker().timerService().deliveredCount()).as("the demoted master delivered no more")
                .isEqualTo(deliveredByA);

        // the new master checks the undecided half back, from the replicated progress; its producer answers now
        await("the new master checks the undecided half back").atMost(Duration.ofSeconds(10))
                .until(() -> !onB.checks.isEmpty());
        assertThat(onB.checks.peek().header().commitLogOffset()).isEqualTo(offsetOf(undecided));
    }

    private ProducerStub stub(BrokerFixture broker, String clientId) {
        ProducerStub p = new ProducerStub(broker::address, PRODUCER_GROUP, clientId);
        closeables.add(p);
        p.heartbeat();
        return p;
    }

    private BrokerFixture controlledReplica(String name, int id, String controller) throws IOException {
        int haPort = freePort();
        BrokerFixture f = new BrokerFixture(dir.resolve(name), c -> c.brokerName("g").brokerId(id)
                .transactionCheckIntervalMs(100).transactionTimeoutMs(300).transactionCheckMax(1_000).timerPrecisionMs(100)
                .controllerAddresses(List.of(controller)).controllerHeartbeatIntervalMs(1_000)
                .haConfig(HaConfig.disabled().withRole(BrokerRole.MASTER, haPort, null)
                        .withSync(ReplicationMode.ASYNC, 1, 500, 5_000)));
        closeables.add(f);
        return f;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
