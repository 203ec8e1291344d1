package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RetryCopiesTest {

    private static MessageExt message(String topic, Map<String, String> props) {
        return new MessageExt("ID-COPY", topic, 0, 5, 4_096, 1, 2, "10.0.0.1:1", "10.0.0.2:2", 3, 0, 0, props,
                new byte[] {1});
    }

    @Test
    void retryCopiesReportTheirOriginalTopicAndKeepEverythingElse() {
        MessageQueue retryQueue = new MessageQueue("%RETRY%g", "b", 0);
        MessageExt copy = message("%RETRY%g", Map.of(MessageConst.ORIGIN_TOPIC, "orders",
                MessageConst.ORIGIN_MSG_ID, "ID-FIRST"));

        MessageExt seen = RetryCopies.withOriginTopics(retryQueue, List.of(copy)).get(0);

        assertThat(seen.topic()).isEqualTo("orders");
        assertThat(seen.msgId()).isEqualTo("ID-COPY");
        assertThat(seen.commitLogOffset()).isEqualTo(4_096);
        assertThat(seen.queueOffset()).isEqualTo(5);
        assertThat(seen.reconsumeTimes()).isEqualTo(3);
        assertThat(seen.property(MessageConst.ORIGIN_MSG_ID)).isEqualTo("ID-FIRST");
    }

    @Test
    void messagesOfOrdinaryQueuesArePassedThroughUntouched() {
        List<MessageExt> msgs = List.of(message("orders", Map.of(MessageConst.ORIGIN_TOPIC, "other")));

        assertThat(RetryCopies.withOriginTopics(new MessageQueue("orders", "b", 0), msgs)).isSameAs(msgs);
        MessageExt noOrigin = message("%RETRY%g", Map.of());
        assertThat(RetryCopies.withOriginTopic(noOrigin)).isSameAs(noOrigin);
    }
}
