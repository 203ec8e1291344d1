package io.tidemq.client.producer;

import io.tidemq.client.ClientStateException;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.MessageTooLargeException;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.ResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ProducerIntegrationTest {

    @TempDir
    Path dir;

    private FakeCluster cluster;
    private ClientConfig config;
    private Producer producer;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster(2);
        cluster.topic("orders", 2);
        config = cluster.config(dir).maxMessageBytes(1024).build();
        producer = Producer.builder("pg", config).build();
        producer.start();
    }

    @AfterEach
    void tearDown() {
        producer.close();
        cluster.close();
    }

    private static Message msg(String body) {
        return Message.builder("orders").tag("created").keys("k-" + body).body(body).build();
    }

    private List<MessageExt> stored() {
        List<MessageExt> all = new ArrayList<>(cluster.broker(0).messages("orders"));
        all.addAll(cluster.broker(1).messages("orders"));
        return all;
    }

    @Test
    void anUnknownTopicIsSentToTheBrokersThatAutoCreateTopics() {
        // broker 1 advertises auto-creation; it "creates" the topic on arrival like a real broker would
        cluster.namesrv.route(io.tidemq.common.names.NameValidator.AUTO_CREATE_TOPIC, 2, cluster.broker(1));
        cluster.broker(1).createTopic("fresh", 2);

        SendResult r = producer.send(Message.builder("fresh").body("first").build());

        assertThat(r.queue().brokerName()).isEqualTo(cluster.broker(1).name());
        assertThat(cluster.broker(1).messages("fresh")).hasSize(1);
        assertThat(cluster.broker(0).messages("fresh")).isEmpty();
    }

    @Test
    void aSyncSendReturnsWhereTheMessageWasStoredAndTagsItWithAUniqueId() {
        SendResult r = producer.send(msg("hello"));
        assertThat(r.status()).isEqualTo(SendStatus.SEND_OK);
        assertThat(r.queue().topic()).isEqualTo("orders");
        assertThat(r.queueOffset()).isZero();
        List<MessageExt> stored = stored();
        assertThat(stored).hasSize(1);
        MessageExt m = stored.get(0);
        assertThat(m.msgId()).isEqualTo(r.msgId());
        assertThat(new String(m.body())).isEqualTo("hello");
        assertThat(m.tag()).isEqualTo("created");
        assertThat(m.keys()).containsExactly("k-hello");
        assertThat(m.property(MessageConst.UNIQ_KEY)).isEqualTo(r.uniqueId()).hasSize(32);
    }

    @Test
    void sendsAreSpreadRoundRobinOverEveryQueueOfEveryBroker() {
        Set<MessageQueue> used = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            used.add(producer.send(msg("m" + i)).queue());
        }
        assertThat(used).hasSize(4);
        assertThat(cluster.broker(0).messages("orders")).hasSize(4);
    }

    @Test
    void asyncSendsCompleteWithTheirResults() throws Exception {
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(producer.sendAsync(msg("a" + i)));
        }
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<SendResult> f : futures) {
            ids.add(f.get(5, TimeUnit.SECONDS).uniqueId());
        }
        assertThat(ids).hasSize(50);
        assertThat(stored()).hasSize(50);
    }

    @Test
    void onewaySendsArriveWithoutAnAnswer() {
        for (int i = 0; i < 10; i++) {
            producer.sendOneway(msg("o" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> stored().size() == 10);
    }

    @Test
    void aBatchIsStoredTogetherInOneQueue() {
        List<Message> batch = List.of(msg("b1"), msg("b2"), msg("b3"));
        SendResult r = producer.send(batch);
        assertThat(r.msgId().split(",")).hasSize(3);
        assertThat(r.uniqueId().split(",")).hasSize(3);
        int broker = cluster.broker(0).messages("orders").isEmpty() ? 1 : 0;
        List<MessageExt> q = cluster.broker(broker).messages("orders", r.queue().queueId());
        assertThat(q).extracting(m -> new String(m.body())).containsExactly("b1", "b2", "b3");
        assertThat(q).allSatisfy(m -> assertThat(m.property(MessageConst.UNIQ_KEY)).isNotNull());
        // docs/client.md, "Batches, delays and clientIp": one result, ids in batch order, the first offset
        assertThat(r.uniqueId().split(",")).containsExactlyElementsOf(
                q.stream().map(m -> m.property(MessageConst.UNIQ_KEY)).toList());
        assertThat(r.queueOffset()).isEqualTo(q.get(0).queueOffset());
    }

    @Test
    void aDelayOfZeroOrLessIsRefusedWhenTheMessageIsBuilt() {
        for (long delay : new long[] {0, -1, -60_000}) {
            assertThatThrownBy(() -> Message.builder("orders").body("b").delayMs(delay))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("delayMs must be > 0, was " + delay);
        }
    }

    @Test
    void orderedSendsWithTheSameKeyLandInTheSameQueueInOrder() {
        for (int i = 0; i < 20; i++) {
            String order = "order-" + (i % 3);
            producer.send(msg(order + ":" + i), MessageQueueSelector.byHash(), order);
        }
        for (MessageExt m : stored()) {
            String order = new String(m.body()).split(":")[0];
            MessageQueue expected = MessageQueueSelector.byHash().select(producer.writableQueues("orders"), null, order);
            assertThat(m.queueId()).isEqualTo(expected.queueId());
            assertThat(m.storeHost()).isEqualTo(cluster.brokers.stream()
                    .filter(b -> b.name().equals(expected.brokerName())).findFirst().orElseThrow().address());
        }
    }

    @Test
    void aSelectorReturningAForeignQueueIsRejected() {
        assertThatThrownBy(() -> producer.send(msg("x"), (qs, m, arg) -> new MessageQueue("orders", "nope", 0), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a writable queue");
    }

    @Test
    void aBusyBrokerIsRetriedOnTheOtherBrokerAndThenAvoided() {
        cluster.broker(0).failNextSends(1_000, ResponseCode.SYSTEM_BUSY);
        for (int i = 0; i < 6; i++) {
            assertThat(producer.send(msg("r" + i)).queue().brokerName()).isEqualTo("broker-b");
        }
        assertThat(cluster.broker(0).sendRequests.get()).as("broker-a is avoided after its first failure")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void asyncSendsAreRetriedOnAnotherBrokerToo() throws Exception {
        cluster.broker(0).failNextSends(1_000, ResponseCode.SYSTEM_BUSY);
        for (int i = 0; i < 4; i++) {
            assertThat(producer.sendAsync(msg("r" + i)).get(5, TimeUnit.SECONDS).queue().brokerName())
                    .isEqualTo("broker-b");
        }
    }

    @Test
    void whenEveryAttemptFailsTheErrorCarriesTheLastCodeAndRemark() {
        cluster.broker(0).failNextSends(100, ResponseCode.SYSTEM_BUSY);
        cluster.broker(1).failNextSends(100, ResponseCode.SYSTEM_BUSY);
        assertThatThrownBy(() -> producer.send(msg("x")))
                .isInstanceOfSatisfying(SendFailedException.class, e -> {
                    assertThat(e.responseCode()).isEqualTo(ResponseCode.SYSTEM_BUSY);
                    assertThat(e.remark()).startsWith("injected failure");
                });
        assertThat(cluster.broker(0).sendRequests.get() + cluster.broker(1).sendRequests.get()).isEqualTo(3);
    }

    @Test
    void aRefusalThatWouldRepeatIsNotRetried() throws Exception {
        cluster.broker(0).failNextSends(100, ResponseCode.MESSAGE_ILLEGAL);
        cluster.broker(1).failNextSends(100, ResponseCode.MESSAGE_ILLEGAL);
        assertThatThrownBy(() -> producer.send(msg("x")))
                .isInstanceOfSatisfying(SendFailedException.class,
                        e -> assertThat(e.responseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL));
        assertThatThrownBy(() -> producer.sendAsync(msg("y")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SendFailedException.class);
        assertThat(cluster.broker(0).sendRequests.get() + cluster.broker(1).sendRequests.get()).isEqualTo(2);
    }

    @Test
    void aFlushTimeoutIsRetriedAndItsResultReturnedWhenNoAttemptDoesBetter() {
        cluster.broker(0).flushTimeoutNextSends(100);
        cluster.broker(1).flushTimeoutNextSends(100);
        SendResult r = producer.send(msg("x"));
        assertThat(r.status()).isEqualTo(SendStatus.FLUSH_DISK_TIMEOUT);
        assertThat(r.isOk()).isFalse();
        assertThat(stored()).as("stored by every attempt; consumers deduplicate by UNIQ_KEY").hasSize(3)
                .allSatisfy(m -> assertThat(m.property(MessageConst.UNIQ_KEY)).isEqualTo(r.uniqueId()));
    }

    @Test
    void aDeadBrokerIsSkippedAfterItsConnectionFails() {
        cluster.broker(0).close();
        for (int i = 0; i < 5; i++) {
            assertThat(producer.send(msg("d" + i)).queue().brokerName()).isEqualTo("broker-b");
        }
    }

    @Test
    void tooLargeMessagesAreRejectedBeforeSendingNamingTheLimit() {
        Message big = Message.builder("orders").body(new byte[1025]).build();
        assertThatThrownBy(() -> producer.send(big)).isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("maxMessageBytes=1024");
        assertThatThrownBy(() -> producer.send(List.of(Message.builder("orders").body(new byte[600]).build(),
                Message.builder("orders").body(new byte[600]).build())))
                .isInstanceOf(MessageTooLargeException.class).hasMessageContaining("batch of 2 messages");
        assertThat(cluster.broker(0).sendRequests.get() + cluster.broker(1).sendRequests.get()).isZero();
    }

    @Test
    void anUnknownTopicIsReportedAsSuch() {
        assertThatThrownBy(() -> producer.send(Message.builder("nowhere").body("x").build()))
                .isInstanceOf(TopicNotFoundException.class).hasMessageContaining("'nowhere'");
    }

    @Test
    void aClosedProducerRefusesToSendAndTwoProducersOfOneGroupNeedTwoInstances() {
        Producer second = Producer.builder("pg", config).build();
        assertThatThrownBy(second::start).hasMessageContaining("already runs");
        producer.close();
        assertThatThrownBy(() -> producer.send(msg("x"))).isInstanceOf(ClientStateException.class)
                .hasMessageContaining("closed");
    }
}
