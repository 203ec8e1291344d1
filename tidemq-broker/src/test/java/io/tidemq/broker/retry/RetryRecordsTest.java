package io.tidemq.broker.retry;

import io.tidemq.broker.schedule.TimerRecords;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.SysFlag;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RetryRecordsTest {

    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);

    private static StoredMessage stored(String topic, int reconsumeTimes, Map<String, String> props) {
        return new StoredMessage(topic, 3, 7, SysFlag.TRANSACTION_COMMIT, 12, 4_096, 200, 1_000, 0x7f000001, 5555,
                2_000, 0x7f000001, 10911, reconsumeTimes, 0, "body".getBytes(StandardCharsets.UTF_8), props);
    }

    @Test
    void retryCopyKeepsIdentityAndUserPropertiesAndRecordsItsOrigin() {
        Map<String, String> props = new HashMap<>(Map.of(MessageConst.UNIQ_KEY, "U1", MessageConst.KEYS, "k1",
                MessageConst.TAGS, "T", "user", "v", MessageConst.DELIVER_AT_MS, "5000", TimerRecords.SOURCE_OFFSET_PROPERTY, "9",
                MessageConst.REAL_TOPIC, "x", MessageConst.REAL_QUEUE_ID, "1"));
        StoredMessage original = stored("orders", 0, props);

        MessageRecord copy = RetryRecords.retryCopy(original, "g1", 1, 16, 123_456, HOST);

        assertThat(copy.topic()).isEqualTo("%RETRY%g1");
        assertThat(copy.queueId()).isZero();
        assertThat(copy.reconsumeTimes()).isEqualTo(1);
        assertThat(copy.flag()).isEqualTo(7);
        assertThat(copy.sysFlag() & SysFlag.TRANSACTION_MASK).isZero();
        assertThat(copy.bornTimestampMs()).isEqualTo(1_000);
        assertThat(new String(copy.body(), StandardCharsets.UTF_8)).isEqualTo("body");
        assertThat(copy.properties())
                .containsEntry(MessageConst.UNIQ_KEY, "U1").containsEntry(MessageConst.KEYS, "k1")
                .containsEntry(MessageConst.TAGS, "T").containsEntry("user", "v")
                .containsEntry(MessageConst.ORIGIN_TOPIC, "orders")
                .containsEntry(MessageConst.ORIGIN_MSG_ID, original.msgId())
                .containsEntry(MessageConst.DELAY_MS, "123456")
                .containsEntry(MessageConst.MAX_RECONSUME_TIMES, "16")
                .doesNotContainKeys(MessageConst.DELIVER_AT_MS, TimerRecords.SOURCE_OFFSET_PROPERTY, MessageConst.REAL_TOPIC,
                        MessageConst.REAL_QUEUE_ID);
    }

    @Test
    void laterCopiesKeepTheFirstOrigin() {
        StoredMessage retryCopy = stored("%RETRY%g1", 2, Map.of(MessageConst.ORIGIN_TOPIC, "orders",
                MessageConst.ORIGIN_MSG_ID, "FIRST", MessageConst.DELIVER_AT_MS, "1"));

        MessageRecord again = RetryRecords.retryCopy(retryCopy, "g1", 3, 16, 5, HOST);
        MessageRecord dead = RetryRecords.deadLetterCopy(retryCopy, "g1", 3, 2, HOST);

        assertThat(again.properties()).containsEntry(MessageConst.ORIGIN_TOPIC, "orders")
                .containsEntry(MessageConst.ORIGIN_MSG_ID, "FIRST");
        assertThat(dead.topic()).isEqualTo("%DLQ%g1");
        assertThat(dead.reconsumeTimes()).isEqualTo(3);
        assertThat(dead.properties()).containsEntry(MessageConst.ORIGIN_TOPIC, "orders")
                .containsEntry(MessageConst.ORIGIN_MSG_ID, "FIRST").containsEntry(MessageConst.MAX_RECONSUME_TIMES, "2")
                .doesNotContainKey(MessageConst.DELIVER_AT_MS);
        assertThat(RetryRecords.originTopic(retryCopy)).isEqualTo("orders");
    }

    @Test
    void resentDeadLetterGoesToTheRetryTopicDueAtOnceWithItsCountReset() {
        StoredMessage dead = stored("%DLQ%g1", 17, Map.of(MessageConst.ORIGIN_TOPIC, "orders",
                MessageConst.ORIGIN_MSG_ID, "FIRST", MessageConst.MAX_RECONSUME_TIMES, "16", MessageConst.UNIQ_KEY, "U1"));

        MessageRecord resent = RetryRecords.resentCopy(dead, "g1", HOST);

        assertThat(resent.topic()).isEqualTo("%RETRY%g1");
        assertThat(resent.reconsumeTimes()).isZero();
        assertThat(resent.properties()).containsEntry(MessageConst.ORIGIN_TOPIC, "orders")
                .containsEntry(MessageConst.UNIQ_KEY, "U1")
                .doesNotContainKeys(MessageConst.DELIVER_AT_MS, MessageConst.MAX_RECONSUME_TIMES);
    }
}
