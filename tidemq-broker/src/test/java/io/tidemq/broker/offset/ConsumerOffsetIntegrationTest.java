package io.tidemq.broker.offset;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerOffsetIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("orders", 2);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private RemotingCommand commit(String group, int queueId, long offset) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest(group, "orders", queueId, offset)));
    }

    private RemotingCommand query(String group, int queueId) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .writeHeader(new Headers.QueryConsumerOffsetRequest(group, "orders", queueId)));
    }

    private void fill(int queueId, int messages) {
        for (int i = 0; i < messages; i++) {
            fx.sendOk("orders", queueId, "m" + i, Map.of());
        }
        fx.awaitQueueEnd("orders", queueId, messages);
    }

    @Test
    void committedOffsetIsReturnedByQuery() {
        fill(1, 42);
        assertThat(commit("billing", 1, 42).code()).isZero();

        RemotingCommand r = query("billing", 1);

        assertThat(r.code()).isZero();
        assertThat(r.readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(42);
    }

    @Test
    void groupThatNeverCommittedGetsQueryNotFound() {
        RemotingCommand r = query("fresh", 0);

        assertThat(r.code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());
        assertThat(r.remark()).contains("fresh");
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() {
        fill(0, 7);
        fill(1, 9);
        commit("billing", 0, 7);
        commit("billing", 1, 9);

        fx.restartBroker();

        assertThat(Files.exists(dir.resolve("config/consumerOffsets.json"))).isTrue();
        assertThat(query("billing", 0).readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(7);
        assertThat(query("billing", 1).readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(9);
    }

    @Test
    void invalidCommitsAreRejected() {
        assertThat(commit("billing", 0, -1).code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(commit("billing", 5, 1).code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(commit("bad%group", 0, 1).code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        RemotingCommand unknownTopic = fx.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest("billing", "nowhere", 0, 1)));
        assertThat(unknownTopic.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
    }

    /** messaging-audit #4: the broker keeps the queue's end instead, and says so in the answer. */
    @Test
    void aCommitPastTheQueueEndIsClampedAndReported() {
        fill(0, 5);

        RemotingCommand r = commit("billing", 0, 50);

        assertThat(r.code()).isZero();
        assertThat(r.readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(5);
        assertThat(r.remark()).contains("past the queue's end");
        assertThat(query("billing", 0).readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(5);
        RemotingCommand inRange = commit("billing", 0, 3);
        assertThat(inRange.readHeader(Headers.OffsetResponse.class).offset()).isEqualTo(3);
        assertThat(inRange.remark()).isNull();
    }

    private RemotingCommand commit(String group, int queueId, long offset, String lockClientId, Boolean rewind) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest(group, "orders", queueId, offset, lockClientId,
                        rewind)));
    }

    private long committed(String group, int queueId) {
        return query(group, queueId).readHeader(Headers.OffsetResponse.class).offset();
    }

    private void produce(int queueId, int count) {
        for (int i = 0; i < count; i++) {
            fx.sendOk("orders", queueId, "m" + i, Map.of());
        }
        fx.awaitQueueEnd("orders", queueId, count); // a send is answered before dispatch; commits clamp to the end
    }

    @Test
    void aStaleCommitOfAnEarlierOffsetNeverMovesTheGroupBack() {
        produce(0, 20);
        assertThat(commit("billing", 0, 15).code()).isZero();

        // the old owner's late commit (revoke path, timer, partitioned member) arrives after the new owner's
        assertThat(commit("billing", 0, 9).code()).isZero();

        assertThat(committed("billing", 0)).isEqualTo(15);
    }

    @Test
    void anExplicitRewindMovesTheGroupBack() {
        produce(0, 20);
        commit("billing", 0, 15);

        assertThat(commit("billing", 0, 4, null, true).code()).isZero();

        assertThat(committed("billing", 0)).isEqualTo(4);
    }

    @Test
    void aCommitFencedByTheQueueLockIsRefusedUnlessTheCallerHoldsTheLock() {
        produce(0, 20);
        MessageQueue q0 = new MessageQueue("orders", fx.broker().config().brokerName(), 0);
        fx.broker().queueLockTable().tryLock("billing", "new-owner", List.of(q0));
        commit("billing", 0, 5, "new-owner", null);

        RemotingCommand stale = commit("billing", 0, 12, "old-owner", null);
        RemotingCommand unlocked = commit("billing", 1, 3, "old-owner", null);

        assertThat(stale.code()).isEqualTo(ResponseCode.QUEUE_NOT_LOCKED.code());
        assertThat(stale.remark()).contains("old-owner").contains("new-owner");
        assertThat(unlocked.code()).isEqualTo(ResponseCode.QUEUE_NOT_LOCKED.code());
        assertThat(committed("billing", 0)).isEqualTo(5);
        assertThat(commit("billing", 0, 7, "new-owner", null).code()).isZero();
        assertThat(committed("billing", 0)).isEqualTo(7);
    }

    @Test
    void minAndMaxOffsetsAndSearchByTimestampDescribeTheQueue() {
        long before = System.currentTimeMillis() - 1;
        fx.sendOk("orders", 0, "a", Map.of());
        fx.sendOk("orders", 0, "b", Map.of());
        fx.awaitQueueEnd("orders", 0, 2);
        fx.pull("g", "orders", 0, 1, 1, "*");

        long max = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_MAX_OFFSET)
                .writeHeader(new Headers.QueueRequest("orders", 0))).readHeader(Headers.OffsetResponse.class).offset();
        long min = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_MIN_OFFSET)
                .writeHeader(new Headers.QueueRequest("orders", 0))).readHeader(Headers.OffsetResponse.class).offset();
        long byTime = fx.invoke(RemotingCommand.createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP)
                .writeHeader(new Headers.SearchOffsetRequest("orders", 0, before)))
                .readHeader(Headers.OffsetResponse.class).offset();

        assertThat(max).isEqualTo(2);
        assertThat(min).isZero();
        assertThat(byTime).isZero();
    }
}
