package io.tidemq.client.route;

import io.tidemq.common.route.BrokerData;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SlaveReadsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final SlaveReads reads = new SlaveReads(2_000, now::get);
    private final BrokerData group = new BrokerData("c", "broker-a",
            Map.of(0L, "master:1", 2L, "slave-2:1", 1L, "slave-1:1"));

    @Test
    void readsGoToTheMasterUntilItDoesNotAnswerThenToTheLowestSlaveUntilTheMarkLapses() {
        assertThat(reads.readAddress(group)).isEqualTo("master:1");

        assertThat(reads.readFailed(group, "master:1")).isTrue();
        assertThat(reads.readAddress(group)).isEqualTo("slave-1:1");

        now.addAndGet(1_999);
        assertThat(reads.readAddress(group)).isEqualTo("slave-1:1");
        now.addAndGet(1);
        assertThat(reads.readAddress(group)).as("the master is tried again").isEqualTo("master:1");
    }

    @Test
    void aFailedSlaveOrAGroupWithoutSlavesMarksNothing() {
        assertThat(reads.readFailed(group, "slave-1:1")).isFalse();
        assertThat(reads.readAddress(group)).isEqualTo("master:1");

        BrokerData alone = new BrokerData("c", "broker-b", Map.of(0L, "alone:1"));
        assertThat(reads.readFailed(alone, "alone:1")).isFalse();
        assertThat(reads.readAddress(alone)).isEqualTo("alone:1");
    }

    @Test
    void aGroupListedWithoutMasterIsReadFromItsSlave() {
        BrokerData noMaster = new BrokerData("c", "broker-a", Map.of(3L, "slave-3:1", 1L, "slave-1:1"));
        assertThat(reads.readAddress(noMaster)).isEqualTo("slave-1:1");
        assertThat(reads.readAddress(null)).isNull();
    }
}
