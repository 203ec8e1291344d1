package io.tidemq.broker.transaction;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.HaConfig;
import io.tidemq.broker.ha.ReplicationMode;
import io.tidemq.broker.schedule.TimerProgress;
import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.common.message.MessageConst;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.tidemq.broker.transaction.TransactionIntegrationTest.offsetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master copies its timer and transaction progress to its slave (HA_METADATA), and the slave restarted as master
 * resumes from them: it re-delivers no delayed message its master delivered and resumes the check-backs where the
 * master stood.
 */
class ReplicatedProgressTest {

    private static final String TOPIC = "orders";
    private static final int DELAYED = 6;

    @TempDir
    Path dir;

    private BrokerFixture master;
    private BrokerFixture slave;
    private ProducerStub producer;

    @AfterEach
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (slave != null) {
            slave.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void aSlavePromotedByARestartResumesTheTimerAndTheChecksWhereItsMasterStood() {
        master = new BrokerFixture(dir.resolve("master"), b -> b.transactionCheckIntervalMs(100).timerPrecisionMs(100)
                .haConfig(HaConfig.disabled().withRole(BrokerRole.MASTER, 0, null)
                        .withSync(ReplicationMode.ASYNC, 1, 500, 5_000)));
        int haPort = master.broker().replication().haPort();
        Path slaveDir = dir.resolve("slave");
        slave = new BrokerFixture(slaveDir, b -> b.transactionCheckIntervalMs(100).timerPrecisionMs(100)
                .haConfig(HaConfig.disabled().withRole(BrokerRole.SLAVE, HaConfig.DISABLED_PORT, "127.0.0.1:" + haPort)
                        .withSync(ReplicationMode.ASYNC, 1, 500, 5_000)));
        master.createTopic(TOPIC, 1);
        long lastDueMs = 0;
        for (int i = 0; i < DELAYED; i++) {
            lastDueMs = System.currentTimeMillis() + 200 + 50L * i;
            master.sendOk(TOPIC, 0, "delayed-" + i, Map.of(MessageConst.DELIVER_AT_MS, Long.toString(lastDueMs)));
        }
        producer = new ProducerStub(master::address, "pg", "p1");
        var committed = producer.sendHalf(TOPIC, 0, "committed", "K1");
        var rolledBack = producer.sendHalf(TOPIC, 0, "rolled-back", "K2");
        assertThat(producer.end(offsetOf(committed), TransactionDecision.COMMIT).code()).isZero();
        assertThat(producer.end(offsetOf(rolledBack), TransactionDecision.ROLLBACK).code()).isZero();
        master.awaitQueueEnd(TOPIC, 0, DELAYED + 1); // every delayed message delivered, and the commit

        // the timer: the slave holds what the master published, with a cursor past every delivery
        long lastDue = lastDueMs;
        Path adopted = slaveDir.resolve(TimerProgress.FILE_NAME);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            TimerProgress published = master.broker().timerService().progress();
            assertThat(published).isNotNull();
            assertThat(published.deliveredCursorMs()).isGreaterThan(lastDue);
            assertThat(published.indexedBelowQueueOffset()).as("every delayed message indexed").isEqualTo(DELAYED);
            assertThat(new AtomicJsonFile(adopted).read(TimerProgress.class)).isEqualTo(published);
        });
        // the transactions: the slave's transactionProgress.json is the master's, past both decided halves
        Path masterProgress = dir.resolve("master").resolve("config").resolve("transactionProgress.json");
        Path slaveProgress = slaveDir.resolve("config").resolve("transactionProgress.json");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            TransactionProgress onMaster = new AtomicJsonFile(masterProgress).read(TransactionProgress.class);
            assertThat(onMaster).isNotNull();
            assertThat(onMaster.boundaryOffset()).isGreaterThan(offsetOf(rolledBack));
            assertThat(new AtomicJsonFile(slaveProgress).read(TransactionProgress.class)).isEqualTo(onMaster);
        });
        TransactionProgress masterFinal = new AtomicJsonFile(masterProgress).read(TransactionProgress.class);

        producer.close();
        producer = null;
        master.close();
        master = null;
        slave.close();
        // promoted by a restart as a master without replication
        slave = new BrokerFixture(slaveDir, b -> b.transactionCheckIntervalMs(100).timerPrecisionMs(100));
        slave.awaitQueueEnd(TOPIC, 0, DELAYED + 1);
        // a message delayed on the new master is delivered: its timer indexed the whole timer topic before it
        slave.sendOk(TOPIC, 0, "after", Map.of(MessageConst.DELIVER_AT_MS,
                Long.toString(System.currentTimeMillis() + 200)));
        slave.awaitQueueEnd(TOPIC, 0, DELAYED + 2);

        var timer = slave.broker().timerService();
        assertThat(timer.duplicatesSkippedCount() + " dup, " + timer.deliveredCount() + " delivered")
                .isEqualTo("0 dup, 1 delivered");
        assertThat(timer.skippedDeliveredCount()).as("the master's deliveries are not indexed again")
                .isEqualTo(DELAYED);
        assertThat(timer.deliveredCount()).as("only the new message was delivered here").isEqualTo(1);
        assertThat(timer.duplicatesSkippedCount()).isZero();
        assertThat(slave.broker().messageStore().maxQueueOffset(TOPIC, 0)).isEqualTo(DELAYED + 2);
        assertThat(adopted).as("used once, then the timer store's own checkpoint rules").doesNotExist();
        assertThat(new AtomicJsonFile(slaveProgress).read(TransactionProgress.class).boundaryOffset())
                .isGreaterThanOrEqualTo(masterFinal.boundaryOffset());
    }
}
