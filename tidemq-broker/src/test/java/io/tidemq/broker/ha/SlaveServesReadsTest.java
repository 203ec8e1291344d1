package io.tidemq.broker.ha;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slave serves pulls up to its commit point, holds a pull past its queue end instead of moving the consumer back,
 * and sends the offsets committed on it to its master while connected (HA_MERGE_OFFSETS); a master never takes back
 * an offset its slave did not get from a consumer.
 */
class SlaveServesReadsTest {

    private static final String TOPIC = "orders";

    @TempDir
    Path dir;
    private BrokerFixture master;
    private BrokerFixture slave;

    @AfterEach
    void stop() {
        if (slave != null) {
            slave.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void aSlaveServesPullsHoldsPullsPastItsEndAndMergesItsCommitsIntoTheMaster() {
        master = new BrokerFixture(dir.resolve("master"), b -> b.haConfig(HaConfig.disabled()
                .withRole(BrokerRole.MASTER, 0, null).withSync(ReplicationMode.SYNC, 1, 2_000, 5_000)));
        int haPort = master.broker().replication().haPort();
        slave = new BrokerFixture(dir.resolve("slave"), b -> b.brokerId(1).haConfig(HaConfig.disabled()
                .withRole(BrokerRole.SLAVE, HaConfig.DISABLED_PORT, "127.0.0.1:" + haPort)
                .withSync(ReplicationMode.SYNC, 1, 2_000, 5_000)));
        await("the slave is in sync").atMost(Duration.ofSeconds(20))
                .until(() -> master.broker().replication().inSyncReplicaIds().size() == 2);
        master.createTopic(TOPIC, 1);
        for (int i = 0; i < 5; i++) {
            master.sendOk(TOPIC, 0, "m" + i, Map.of());
        }
        slave.awaitQueueEnd(TOPIC, 0, 5); // dispatched up to the commit point the master reported

        RemotingCommand read = slave.pull("g", TOPIC, 0, 0, 32, "*");
        assertThat(read.code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(BrokerFixture.messages(read)).hasSize(5);

        // a consumer that got further on the master than this slave's commit point: held, then answered at its offset
        RemotingCommand past = slave.invoke(BrokerFixture.pullRequest("g", TOPIC, 0, 9, 32, 300, "*"));
        assertThat(past.code()).as(past.remark()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
        assertThat(past.readHeader(Headers.PullMessageResponse.class).nextBeginOffset()).isEqualTo(9);
        RemotingCommand pastOnMaster = master.invoke(BrokerFixture.pullRequest("g", TOPIC, 0, 9, 32, 300, "*"));
        assertThat(pastOnMaster.code()).as("the master corrects it").isEqualTo(ResponseCode.OFFSET_OUT_OF_RANGE.code());

        // a master's offset reaches the slave but is never sent back; a consumer's commit on the slave is
        master.broker().consumerOffsetManager().commit("replicated", TOPIC, 0, 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> slave.broker().consumerOffsetManager().query("replicated", TOPIC, 0) == 2);
        RemotingCommand commit = slave.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest("g", TOPIC, 0, 4)));
        assertThat(commit.code()).as(commit.remark()).isEqualTo(ResponseCode.SUCCESS.code());
        await("the slave's commit reaches its master within a second or so").atMost(Duration.ofSeconds(10))
                .until(() -> master.broker().consumerOffsetManager().query("g", TOPIC, 0) == 4);
        // the master applies the merge before it answers; the slave forgets its commits when the answer arrives
        await("the slave forgets the merged commits").atMost(Duration.ofSeconds(10))
                .until(() -> slave.broker().consumerOffsetManager().unmergedOffsets().isEmpty());
        master.broker().consumerOffsetManager().commit("replicated", TOPIC, 0, 0); // a reset back on the master
        slave.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest("g", TOPIC, 0, 5)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> master.broker().consumerOffsetManager().query("g", TOPIC, 0) == 5);
        assertThat(master.broker().consumerOffsetManager().query("replicated", TOPIC, 0))
                .as("the slave does not undo the master's reset").isZero();
    }

    @Test
    void aMasterHoldsAPullIntoItsStoredButUncommittedTailAndMovesOnlyAPullPastIt() {
        master = new BrokerFixture(dir.resolve("master"), b -> b.haConfig(HaConfig.disabled()
                .withRole(BrokerRole.MASTER, 0, null).withSync(ReplicationMode.SYNC, 2, 500, 1_000)));
        int haPort = master.broker().replication().haPort();
        slave = new BrokerFixture(dir.resolve("slave"), b -> b.brokerId(1).haConfig(HaConfig.disabled()
                .withRole(BrokerRole.SLAVE, HaConfig.DISABLED_PORT, "127.0.0.1:" + haPort)
                .withSync(ReplicationMode.SYNC, 2, 500, 1_000)));
        await("the slave is in sync").atMost(Duration.ofSeconds(20))
                .until(() -> master.broker().replication().inSyncReplicaIds().size() == 2);
        master.createTopic(TOPIC, 1);
        for (int i = 0; i < 3; i++) {
            master.sendOk(TOPIC, 0, "m" + i, Map.of());
        }
        slave.close();
        slave = null;
        // stored on the master, never confirmed by the dead slave: above the commit point, invisible to consumers
        RemotingCommand unconfirmed = master.send(TOPIC, 0, "unconfirmed", Map.of());
        assertThat(unconfirmed.code()).isNotEqualTo(ResponseCode.SUCCESS.code());
        io.tidemq.store.DefaultMessageStore store = (io.tidemq.store.DefaultMessageStore) master.broker().messageStore();
        assertThat(store.maxQueueOffset(TOPIC, 0)).isEqualTo(3);
        assertThat(store.nextQueueOffset(TOPIC, 0)).isEqualTo(4);

        // a consumer at 4 (it read the record at 3 elsewhere) waits for the commit point instead of being moved back
        RemotingCommand inTail = master.invoke(BrokerFixture.pullRequest("g", TOPIC, 0, 4, 32, 300, "*"));
        assertThat(inTail.code()).as(inTail.remark()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
        assertThat(inTail.readHeader(Headers.PullMessageResponse.class).nextBeginOffset()).isEqualTo(4);
        RemotingCommand pastTail = master.invoke(BrokerFixture.pullRequest("g", TOPIC, 0, 5, 32, 300, "*"));
        assertThat(pastTail.code()).as("past everything stored: corrected")
                .isEqualTo(ResponseCode.OFFSET_OUT_OF_RANGE.code());
    }
}
