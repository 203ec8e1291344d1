package io.tidemq.broker.lock;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.protocol.body.LockBatchRequest;
import io.tidemq.common.protocol.body.LockBatchResponse;
import io.tidemq.common.protocol.body.UnlockBatchRequest;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** LOCK_BATCH_MQ and UNLOCK_BATCH_MQ on a real broker, over the wire. */
class QueueLockIntegrationTest {

    private static final long LEASE_MS = 1_500;

    @TempDir
    Path dir;
    private BrokerFixture fx;
    private MessageQueue q0;
    private MessageQueue q1;

    @BeforeEach
    void startBroker() {
        fx = new BrokerFixture(dir, b -> b.rebalanceLockMaxLiveMs(LEASE_MS));
        String broker = fx.broker().config().brokerName();
        q0 = new MessageQueue("orders", broker, 0);
        q1 = new MessageQueue("orders", broker, 1);
    }

    @AfterEach
    void stopBroker() {
        fx.close();
    }

    private RemotingCommand lockRequest(String client, Set<MessageQueue> queues) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ)
                .setBody(Json.toBytes(new LockBatchRequest("order-service", client, queues))));
    }

    private LockBatchResponse lock(String client, Set<MessageQueue> queues) {
        RemotingCommand r = lockRequest(client, queues);
        assertThat(r.code()).as(r.toString()).isEqualTo(ResponseCode.SUCCESS.code());
        return Json.fromBytes(r.body(), LockBatchResponse.class);
    }

    private RemotingCommand unlock(String client, Set<MessageQueue> queues) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.UNLOCK_BATCH_MQ)
                .setBody(Json.toBytes(new UnlockBatchRequest("order-service", client, queues))));
    }

    @Test
    void aLockAnswersTheQueuesGrantedAndTheBrokersLease() {
        LockBatchResponse r = lock("c1", Set.of(q0, q1));

        assertThat(r.lockedQueues()).containsExactlyInAnyOrder(q0, q1);
        assertThat(r.lockLeaseMs()).isEqualTo(LEASE_MS);
        assertThat(fx.broker().queueLockTable().holder("order-service", q0)).isEqualTo("c1");
    }

    @Test
    void anotherClientGetsOnlyTheQueuesNobodyHolds() {
        lock("c1", Set.of(q0));

        assertThat(lock("c2", Set.of(q0, q1)).lockedQueues()).containsExactly(q1);
    }

    @Test
    void afterAnUnlockTheQueueGoesToTheNextClient() {
        lock("c1", Set.of(q0));

        RemotingCommand r = unlock("c1", Set.of(q0));

        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(r.fieldAsInt("released")).isEqualTo(1);
        assertThat(lock("c2", Set.of(q0)).lockedQueues()).containsExactly(q0);
    }

    @Test
    void aLockNotRenewedWithinTheLeaseGoesToTheNextClient() {
        lock("c1", Set.of(q0));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> lock("c2", Set.of(q0)).lockedQueues().contains(q0));
        assertThat(lock("c1", Set.of(q0)).lockedQueues()).isEmpty();
    }

    @Test
    void aPullFencedByTheQueueLockIsRefusedUnlessTheCallerHoldsTheLockAndCommitsNothing() {
        fx.createTopic("orders", 2);
        fx.sendOk("orders", 0, "first", Map.of());
        fx.sendOk("orders", 0, "second", Map.of());
        lock("c1", Set.of(q0));

        RemotingCommand stale = fx.invoke(RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .writeHeader(new Headers.PullMessageRequest("order-service", "orders", 0, 0, 32, 2, 0, "*", null,
                        "c2")));
        RemotingCommand holder = fx.invoke(RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .writeHeader(new Headers.PullMessageRequest("order-service", "orders", 0, 0, 32, -1, 0, "*", null,
                        "c1")));

        assertThat(stale.code()).isEqualTo(ResponseCode.QUEUE_NOT_LOCKED.code());
        assertThat(stale.remark()).contains("c2", "held by c1");
        assertThat(fx.broker().consumerOffsetManager().query("order-service", "orders", 0)).isEqualTo(-1);
        assertThat(holder.code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(BrokerFixture.messages(holder)).hasSize(2);
    }

    @Test
    void locksSurviveABrokerRestartSoNoOtherClientTakesAQueueItsHolderMayStillConsume() {
        lock("c1", Set.of(q0));
        lock("c2", Set.of(q1));
        unlock("c2", Set.of(q1));

        fx.restartBroker();

        assertThat(fx.broker().queueLockTable().holder("order-service", q0)).isEqualTo("c1");
        assertThat(lock("c3", Set.of(q0, q1)).lockedQueues()).containsExactly(q1);
        assertThat(lock("c1", Set.of(q0)).lockedQueues()).as("the holder renews after the restart")
                .containsExactly(q0);
    }

    @Test
    void aLateRenewalSequencedBeforeTheUnlockDoesNotReTakeTheQueue() {
        RemotingCommand granted = fx.invoke(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ)
                .setBody(Json.toBytes(new LockBatchRequest("order-service", "c1", Set.of(q0), 10L))));
        assertThat(granted.code()).isZero();
        fx.invoke(RemotingCommand.createRequest(RequestCode.UNLOCK_BATCH_MQ)
                .setBody(Json.toBytes(new UnlockBatchRequest("order-service", "c1", Set.of(q0), 12L))));

        RemotingCommand late = fx.invoke(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ)
                .setBody(Json.toBytes(new LockBatchRequest("order-service", "c1", Set.of(q0), 11L))));

        assertThat(Json.fromBytes(late.body(), LockBatchResponse.class).lockedQueues()).isEmpty();
        assertThat(lock("c2", Set.of(q0)).lockedQueues()).containsExactly(q0);
    }

    @Test
    void aQueueOfAnotherBrokerIsRefusedWithAnExplanation() {
        RemotingCommand r = lockRequest("c1", Set.of(new MessageQueue("orders", "some-other-broker", 0)));

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(r.remark()).contains("not hosted by broker", "some-other-broker");
    }

    @Test
    void aMalformedBodyIsRefusedAndTheBrokerKeepsServing() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ)
                .setBody("{not json".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());

        RemotingCommand noClient = fx.invoke(RemotingCommand.createRequest(RequestCode.UNLOCK_BATCH_MQ)
                .setBody(Json.toBytes(new UnlockBatchRequest("order-service", " ", Set.of(q0)))));
        assertThat(noClient.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(noClient.remark()).contains("clientId");

        assertThat(lock("c1", Set.of(q0)).lockedQueues()).containsExactly(q0);
    }
}
