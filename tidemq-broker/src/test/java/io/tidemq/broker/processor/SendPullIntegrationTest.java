package io.tidemq.broker.processor;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SendPullIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("orders", 4);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void sentMessageIsPulledBackWithItsPropertiesAndHosts() {
        Headers.SendMessageResponse sent = fx.sendOk("orders", 2, "hello",
                Map.of(MessageConst.TAGS, "TagA", MessageConst.KEYS, "k1 k2", MessageConst.UNIQ_KEY, "U1", "user", "v"));

        RemotingCommand pulled = fx.pull("billing", "orders", 2, 0, 32, "*");

        assertThat(pulled.code()).as(pulled.toString()).isEqualTo(ResponseCode.SUCCESS.code());
        Headers.PullMessageResponse h = pulled.readHeader(Headers.PullMessageResponse.class);
        assertThat(h.nextBeginOffset()).isEqualTo(1);
        assertThat(h.maxOffset()).isEqualTo(1);
        List<MessageExt> messages = BrokerFixture.messages(pulled);
        assertThat(messages).hasSize(1);
        MessageExt m = messages.get(0);
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(m.msgId()).isEqualTo(sent.msgId());
        assertThat(sent.queueOffset()).isZero();
        assertThat(m.topic()).isEqualTo("orders");
        assertThat(m.queueId()).isEqualTo(2);
        assertThat(m.tag()).isEqualTo("TagA");
        assertThat(m.keys()).containsExactly("k1", "k2");
        assertThat(m.uniqueId()).isEqualTo("U1");
        assertThat(m.property("user")).isEqualTo("v");
        assertThat(m.storeHost()).isEqualTo(fx.address());
        assertThat(m.bornHost()).startsWith("127.0.0.1:");
    }

    @Test
    void batchIsStoredContiguouslyInOneQueue() {
        List<Message> batch = List.of(
                Message.builder("orders").body("a").tag("T").build(),
                Message.builder("orders").body("b").build(),
                Message.builder("orders").body("c").keys("kc").build());

        RemotingCommand r = fx.sendBatch("orders", 1, batch);

        assertThat(r.code()).as(r.toString()).isZero();
        Headers.SendMessageResponse h = r.readHeader(Headers.SendMessageResponse.class);
        assertThat(h.queueOffset()).isZero();
        List<MessageExt> pulled = BrokerFixture.messages(fx.pull("g", "orders", 1, 0, 32, "*"));
        assertThat(pulled).extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactly("a", "b", "c");
        assertThat(pulled).extracting(MessageExt::queueOffset).containsExactly(0L, 1L, 2L);
        assertThat(pulled.get(0).tag()).isEqualTo("T");
        assertThat(pulled.get(2).keys()).containsExactly("kc");
        assertThat(h.recordBytes()).as("a producer that did not ask for compactIds (an older one)").isNull();
        assertThat(h.msgId().split(",")).containsExactlyElementsOf(pulled.stream().map(MessageExt::msgId).toList());
    }

    /**
     * docs/protocol.md, SEND_BATCH_MESSAGE: a producer that asks for {@code compactIds} gets the first id and the
     * records' sizes instead of every id; the id it derives for each message finds that message, in batch order.
     */
    @Test
    void aBatchAskingForCompactIdsIsAnsweredWithTheFirstIdAndTheRecordSizesFromWhichEachIdFindsItsMessage() {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // sizes alike in runs, with a longer body and a property in between
            Message.Builder m = Message.builder("orders").body(i == 5 ? "a longer body " + i : "body-" + (char) ('a' + i));
            batch.add(i == 8 ? m.keys("k8").build() : m.build());
        }

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", "orders", 3, 0, System.currentTimeMillis(), 0, null,
                        0, true, true))
                .setBody(MessageCodec.encodeBatch(batch)));

        assertThat(r.code()).as(r.toString()).isZero();
        Headers.SendMessageResponse h = r.readHeader(Headers.SendMessageResponse.class);
        assertThat(h.msgId()).hasSize(MessageId.TEXT_LENGTH);
        assertThat(h.recordBytes()).as("three runs of alike records and two records apart").matches("\\d+\\*5,\\d+,\\d+\\*2,\\d+,\\d+\\*3");
        BatchMessageIds ids = BatchMessageIds.parse(h.msgId(), h.recordBytes());
        assertThat(ids.count()).isEqualTo(12);
        fx.awaitQueueEnd("orders", 3, 12);
        List<MessageExt> pulled = BrokerFixture.messages(fx.pull("g", "orders", 3, 0, 32, "*"));
        assertThat(pulled).hasSize(12);
        for (int i = 0; i < 12; i++) {
            Message sent = batch.get(i);
            RemotingCommand found = fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_ID)
                    .writeHeader(new Headers.MessageIdRequest(ids.id(i))));
            assertThat(found.code()).as(found.toString()).isZero();
            assertThat(BrokerFixture.messages(found)).singleElement()
                    .satisfies(m -> assertThat(m.body()).isEqualTo(sent.body()));
            assertThat(ids.id(i)).isEqualTo(pulled.get(i).msgId());
        }
    }

    @Test
    void aBatchEntryWithMalformedPropertiesIsRefusedNamingItAndNothingOfTheBatchIsStored() {
        byte[] good = MessageCodec.encodeBatch(List.of(Message.builder("orders").body("a").build()));
        byte[] props = "no-separator".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer bad = java.nio.ByteBuffer.allocate(good.length + 4 + 4 + 4 + 1 + 4 + props.length);
        bad.put(good).putInt(4 + 4 + 1 + 4 + props.length).putInt(0).putInt(1).put((byte) 'b')
                .putInt(props.length).put(props);

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(new Headers.SendMessageRequest("pg", "orders", 1, 0, System.currentTimeMillis(), 0,
                        null, 0, true))
                .setBody(bad.array()));

        assertThat(r.code()).as(r.toString()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(r.remark()).contains("message 1 of the batch").contains("malformed");
        assertThat(fx.sendOk("orders", 1, "after", Map.of()).queueOffset()).as("nothing of the batch was stored")
                .isZero();
    }

    @Test
    void pullsAreFilteredByTag() {
        fx.sendOk("orders", 0, "a1", Map.of(MessageConst.TAGS, "A"));
        fx.sendOk("orders", 0, "b1", Map.of(MessageConst.TAGS, "B"));
        fx.sendOk("orders", 0, "c1", Map.of(MessageConst.TAGS, "C"));
        fx.sendOk("orders", 0, "none", Map.of());
        fx.sendOk("orders", 0, "a2", Map.of(MessageConst.TAGS, "A"));

        // a pull of the last offset answers once all five are dispatched; before the dispatcher indexed the
        // fourth it answers "out of range" at once, so ask again until it finds the fifth
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.pull("g", "orders", 0, 4, 1, "*").code() == 0);
        RemotingCommand r = fx.pull("g", "orders", 0, 0, 32, "A || C");

        assertThat(BrokerFixture.messages(r)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("a1", "c1", "a2");
        assertThat(r.readHeader(Headers.PullMessageResponse.class).nextBeginOffset()).isEqualTo(5);
    }

    @Test
    void malformedSubscriptionIsRejected() {
        RemotingCommand r = fx.pull("g", "orders", 0, 0, 32, "A || ");

        assertThat(r.code()).isEqualTo(ResponseCode.SUBSCRIPTION_INVALID.code());
        assertThat(r.remark()).contains("TagA || TagB");
    }

    @Test
    void oversizedMessageIsRejectedNamingTheLimit() {
        byte[] big = new byte[64 * 1024 + 1];

        RemotingCommand r = fx.invoke(BrokerFixture.sendRequest("orders", 0, big, Map.of()));

        assertThat(r.code()).isEqualTo(ResponseCode.MESSAGE_TOO_LARGE.code());
        assertThat(r.remark()).contains("maxMessageBytes=65536").contains("65537");
    }

    @Test
    void unknownTopicIsRejectedWhenAutoCreationIsOff() {
        RemotingCommand r = fx.send("nowhere", 0, "x", Map.of());

        assertThat(r.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        assertThat(r.remark()).contains("nowhere").contains("autoCreateTopic");
        assertThat(fx.broker().topicConfigManager().get("nowhere")).isNull();
    }

    @Test
    void unknownTopicIsCreatedWithTheDefaultQueueCountWhenAutoCreationIsOn() {
        try (BrokerFixture auto = new BrokerFixture(dir.resolve("auto"), b -> b.autoCreateTopic(true))) {
            Headers.SendMessageResponse sent = auto.sendOk("fresh", 5, "x", Map.of());

            assertThat(sent.queueId()).isEqualTo(5);
            assertThat(auto.broker().topicConfigManager().get("fresh").writeQueueNums()).isEqualTo(8);
            assertThat(auto.send("%RETRY%g", 0, "x", Map.of()).code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        }
    }

    @Test
    void invalidTopicNameIsRejectedWithTheRule() {
        RemotingCommand r = fx.send("bad/topic", 0, "x", Map.of());

        assertThat(r.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
        assertThat(r.remark()).contains("bad/topic").contains("'/'");
    }

    @Test
    void queueIdOutsideTheTopicIsRejected() {
        RemotingCommand r = fx.send("orders", 4, "x", Map.of());

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(r.remark()).contains("queueId 4").contains("4 write queues");
    }

    @Test
    void emptyBodyIsRejected() {
        RemotingCommand r = fx.invoke(BrokerFixture.sendRequest("orders", 0, new byte[0], Map.of()));

        assertThat(r.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL.code());
    }

    @Test
    void missingHeaderFieldIsAnInvalidParameter() {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                .putField("topic", "orders").setBody(new byte[] {1}));

        assertThat(r.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
    }

    @Test
    void offsetBeyondTheQueueEndIsOutOfRangeWithTheBounds() {
        fx.sendOk("orders", 3, "x", Map.of());
        fx.pull("g", "orders", 3, 0, 1, "*");

        RemotingCommand r = fx.invoke(BrokerFixture.pullRequest("g", "orders", 3, 7, 32, 0, "*"));

        assertThat(r.code()).isEqualTo(ResponseCode.OFFSET_OUT_OF_RANGE.code());
        Headers.PullMessageResponse h = r.readHeader(Headers.PullMessageResponse.class);
        assertThat(h.minOffset()).isZero();
        assertThat(h.maxOffset()).isEqualTo(1);
        assertThat(h.nextBeginOffset()).isEqualTo(1);
    }

    @Test
    void pullWithoutSuspensionAtTheEndAnswersNotFoundAtOnce() {
        RemotingCommand r = fx.invoke(BrokerFixture.pullRequest("g", "orders", 0, 0, 32, 0, "*"));

        assertThat(r.code()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
        assertThat(r.readHeader(Headers.PullMessageResponse.class).nextBeginOffset()).isZero();
    }

    @Test
    void commitOffsetInThePullHeaderIsCommittedFirst() {
        for (int i = 0; i < 17; i++) {
            fx.sendOk("orders", 1, "m" + i, Map.of());
        }
        fx.awaitQueueEnd("orders", 1, 17);
        fx.invoke(RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .writeHeader(new Headers.PullMessageRequest("billing", "orders", 1, 0, 32, 17, 0, "*", null)));

        assertThat(fx.broker().consumerOffsetManager().query("billing", "orders", 1)).isEqualTo(17);
    }
}
