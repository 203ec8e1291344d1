package io.tidemq.broker;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.config.BrokerConfigException;
import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.HaConfig;
import io.tidemq.broker.ha.ReplicationMode;
import io.tidemq.broker.transaction.TransactionCheckService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerControllerTest {

    @TempDir
    Path dir;

    @Test
    void startedBrokerReportsItsEphemeralPortAndAddress() {
        try (BrokerController broker = new BrokerController(BrokerFixture.testConfig(dir).build())) {
            assertThatThrownBy(broker::port).isInstanceOf(IllegalStateException.class);
            assertThat(broker.address()).isNull();

            broker.start();

            assertThat(broker.port()).isPositive();
            assertThat(broker.address()).isEqualTo("127.0.0.1:" + broker.port());
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("once");
        }
    }

    @Test
    void aSlaveRunsNoTransactionCheckBacks() {
        HaConfig slave = HaConfig.disabled().withRole(BrokerRole.SLAVE, HaConfig.DISABLED_PORT, "127.0.0.1:1");
        try (BrokerController broker = new BrokerController(BrokerFixture.testConfig(dir).haConfig(slave).build())) {
            broker.start();

            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .as("the master checks back; a slave's decisions could not be stored")
                    .doesNotContain(TransactionCheckService.THREAD_NAME);
        }
    }

    @Test
    void onlyASyncMasterSharesItsIoThreadsWithReplication() {
        HaConfig async = HaConfig.disabled().withRole(BrokerRole.MASTER, 0, null);
        try (BrokerController broker = new BrokerController(BrokerFixture.testConfig(dir.resolve("async"))
                .haConfig(async).build())) {
            broker.start();
            assertThat(broker.replicationSharesIoThreads())
                    .as("ASYNC: a slave's fetch must not delay client connections; sends wait for nothing").isFalse();
        }
        HaConfig sync = async.withSync(ReplicationMode.SYNC, 1, async.replicaLagMaxMs(), async.replicaAckTimeoutMs());
        try (BrokerController broker = new BrokerController(BrokerFixture.testConfig(dir.resolve("sync"))
                .haConfig(sync).build())) {
            broker.start();
            assertThat(broker.replicationSharesIoThreads())
                    .as("SYNC: the append, the held fetch's answer and the send's completion may share a thread").isTrue();
        }
    }

    @Test
    void closeIsIdempotentAndWorksOnANeverStartedBroker() {
        BrokerController never = new BrokerController(BrokerFixture.testConfig(dir.resolve("a")).build());
        never.close();
        never.close();

        BrokerController started = new BrokerController(BrokerFixture.testConfig(dir.resolve("b")).build());
        started.start();
        started.close();
        started.close();
    }

    @Test
    void secondBrokerOnTheSameStoreFailsToStartAndTheFirstKeepsServing() {
        try (BrokerFixture first = new BrokerFixture(dir)) {
            first.createTopic("orders", 1);
            BrokerController second = new BrokerController(BrokerFixture.testConfig(dir).build());

            assertThatThrownBy(second::start).isInstanceOf(RuntimeException.class);
            second.close();

            assertThat(first.sendOk("orders", 0, "still here", Map.of()).msgId()).hasSize(32);
        }
    }

    @Test
    void unknownConfigurationKeyIsRejectedBeforeAnythingStarts() {
        BrokerConfig config = BrokerFixture.testConfig(dir).storeProperty("flushIntervalMS", "10").build();

        assertThatThrownBy(() -> new BrokerController(config)).isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("flushIntervalMS").hasMessageContaining("flushIntervalMs");
    }

    @Test
    void invalidStoreValueIsReportedAsAConfigurationError() {
        BrokerConfig config = BrokerFixture.testConfig(dir).storeProperty("commitLogFileBytes", "1000").build();

        assertThatThrownBy(() -> new BrokerController(config)).isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("commitLogFileBytes");
    }
}
