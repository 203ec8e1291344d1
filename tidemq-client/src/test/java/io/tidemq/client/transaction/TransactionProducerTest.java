package io.tidemq.client.transaction;

import io.tidemq.client.ClientStateException;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.SendFailedException;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TransactionProducerTest {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String GROUP = "order-tx";

    private FakeTransactionBroker broker;
    private TransactionProducer producer;
    private volatile BiFunction<Message, Object, LocalTransactionState> local = (m, a) -> LocalTransactionState.COMMIT;
    private volatile Function<MessageExt, LocalTransactionState> check = m -> LocalTransactionState.UNKNOWN;
    private final BlockingQueue<String> checkThreads = new ArrayBlockingQueue<>(16);

    private final TransactionListener listener = new TransactionListener() {
        @Override
        public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
            return local.apply(msg, arg);
        }

        @Override
        public LocalTransactionState checkLocalTransaction(MessageExt msg) {
            checkThreads.add(Thread.currentThread().getName());
            return check.apply(msg);
        }
    };

    @BeforeEach
    void setUp() {
        broker = new FakeTransactionBroker();
    }

    @AfterEach
    void tearDown() {
        if (producer != null) {
            producer.close();
        }
        broker.close();
    }

    private ClientConfig config() {
        return ClientConfig.builder()
                .namesrvAddrs(broker.address())
                .instanceName("tx-test-" + INSTANCES.incrementAndGet())
                .clientIp("127.0.0.1")
                .heartbeatIntervalMs(300)
                .requestTimeoutMs(2_000)
                .build();
    }

    private TransactionProducer start(TransactionProducer.Builder b) {
        producer = b.build();
        producer.start();
        return producer;
    }

    private static Message order(String body) {
        return Message.builder("orders").tag("created").body(body).build();
    }

    @Test
    void sendsAHalfRunsTheLocalTransactionAndSendsItsOutcome() throws Exception {
        AtomicReference<Object> seenArg = new AtomicReference<>();
        AtomicReference<String> seenId = new AtomicReference<>();
        local = (m, a) -> {
            seenArg.set(a);
            seenId.set(m.property(MessageConst.UNIQ_KEY));
            return LocalTransactionState.COMMIT;
        };
        start(TransactionProducer.builder(GROUP, config()).listener(listener));

        TransactionSendResult r = producer.sendMessageInTransaction(order("o-1"), 42);

        assertThat(r.localState()).isEqualTo(LocalTransactionState.COMMIT);
        assertThat(r.endDelivered()).isTrue();
        assertThat(seenArg.get()).isEqualTo(42);
        assertThat(seenId.get()).isEqualTo(r.transactionId()).isNotBlank();
        FakeTransactionBroker.Sent half = broker.sent.get(0);
        assertThat(half.properties()).containsEntry(MessageConst.TRANSACTION_PREPARED, "true")
                .containsEntry(MessageConst.PRODUCER_GROUP, GROUP).containsEntry(MessageConst.TAGS, "created");
        assertThat(half.header().producerGroup()).isEqualTo(GROUP);
        Headers.EndTransactionRequest end = broker.ends.poll(5, TimeUnit.SECONDS);
        assertThat(end).isNotNull();
        assertThat(end.decision()).isEqualTo("COMMIT");
        assertThat(end.fromCheck()).isFalse();
        assertThat(end.producerGroup()).isEqualTo(GROUP);
        assertThat(end.msgId()).isEqualTo(half.msgId()).isEqualTo(r.sendResult().msgId());
        assertThat(end.commitLogOffset()).isZero();
        assertThat(end.transactionId()).isEqualTo(half.properties().get(MessageConst.UNIQ_KEY))
                .isEqualTo(r.transactionId());
    }

    @Test
    void aLocalTransactionThatThrowsIsReportedUnknown() throws Exception {
        local = (m, a) -> {
            throw new IllegalStateException("database down");
        };
        start(TransactionProducer.builder(GROUP, config()).listener(listener));

        TransactionSendResult r = producer.sendMessageInTransaction(order("o-1"), null);

        assertThat(r.localState()).isEqualTo(LocalTransactionState.UNKNOWN);
        assertThat(broker.ends.poll(5, TimeUnit.SECONDS).decision()).isEqualTo("UNKNOWN");
    }

    @Test
    void aCheckBackRunsOnTheCheckExecutorAndIsAnsweredWithEndTransaction() throws Exception {
        check = m -> m.body().length > 0 && m.property("order").equals("o-7")
                ? LocalTransactionState.ROLLBACK : LocalTransactionState.UNKNOWN;
        ExecutorService checks = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-checks"));
        try {
            start(TransactionProducer.builder(GROUP, config()).listener(listener).checkExecutor(checks));
            local = (m, a) -> LocalTransactionState.UNKNOWN;
            producer.sendMessageInTransaction(order("o-7"), null);
            broker.ends.poll(5, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).until(() -> broker.producers.containsKey(GROUP));

            long halfOffset = 7_000;
            MessageExt asked = new MessageExt(broker.msgId(halfOffset), "orders", 0, 0, halfOffset, 1L, 2L,
                    "127.0.0.1:1", broker.address(), 0, 0, 0, Map.of("order", "o-7", MessageConst.UNIQ_KEY, "U7"),
                    new byte[] {1});
            broker.checkBack(GROUP, asked, halfOffset);

            Headers.EndTransactionRequest answer = broker.ends.poll(5, TimeUnit.SECONDS);
            assertThat(answer).isNotNull();
            assertThat(answer.fromCheck()).isTrue();
            assertThat(answer.decision()).isEqualTo("ROLLBACK");
            assertThat(answer.commitLogOffset()).isEqualTo(halfOffset);
            assertThat(answer.transactionId()).isEqualTo("U7");
            assertThat(checkThreads.poll(1, TimeUnit.SECONDS)).isEqualTo("app-checks");
        } finally {
            producer.close();
            producer = null;
            checks.shutdownNow();
        }
    }

    @Test
    void theDefaultCheckExecutorIsANamedThread() throws Exception {
        check = m -> LocalTransactionState.COMMIT;
        start(TransactionProducer.builder(GROUP, config()).listener(listener));
        producer.sendMessageInTransaction(order("o-1"), null);
        broker.ends.poll(5, TimeUnit.SECONDS);
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.producers.containsKey(GROUP));

        MessageExt asked = new MessageExt(broker.msgId(0), "orders", 0, 0, 0, 1L, 2L, "127.0.0.1:1",
                broker.address(), 0, 0, 0, Map.of(MessageConst.UNIQ_KEY, "U1"), new byte[] {1});
        broker.checkBack(GROUP, asked, 0);

        assertThat(broker.ends.poll(5, TimeUnit.SECONDS).decision()).isEqualTo("COMMIT");
        assertThat(checkThreads.poll(1, TimeUnit.SECONDS)).startsWith("tidemq-transaction-check-" + GROUP);
    }

    @Test
    void aHalfWhoseAnswerTimedOutIsNeverSentAgainAndItsLocalTransactionDoesNotRun() {
        AtomicInteger localRuns = new AtomicInteger();
        local = (m, a) -> {
            localRuns.incrementAndGet();
            return LocalTransactionState.COMMIT;
        };
        start(TransactionProducer.builder(GROUP, ClientConfig.builder()
                .namesrvAddrs(broker.address())
                .instanceName("tx-test-" + INSTANCES.incrementAndGet())
                .clientIp("127.0.0.1")
                .requestTimeoutMs(300)
                .retryTimesWhenSendFailed(2)
                .build()).listener(listener));
        broker.answerHold = new CountDownLatch(1);

        assertThatThrownBy(() -> producer.sendMessageInTransaction(order("o-1"), null))
                .isInstanceOf(SendFailedException.class);

        assertThat(broker.sent).as("the stored half is the only one: a second would be committed too").hasSize(1);
        assertThat(localRuns.get()).isZero();
        assertThat(broker.ends).isEmpty();
    }

    @Test
    void aListenerIsRequiredAndSendingNeedsStart() {
        assertThatThrownBy(() -> TransactionProducer.builder(GROUP, config()).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("TransactionListener");
        TransactionProducer notStarted = TransactionProducer.builder(GROUP, config()).listener(listener).build();
        assertThatThrownBy(() -> notStarted.sendMessageInTransaction(order("o"), null))
                .isInstanceOf(ClientStateException.class).hasMessageContaining("start()");
        notStarted.close();
    }
}
