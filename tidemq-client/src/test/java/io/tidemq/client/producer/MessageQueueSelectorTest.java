package io.tidemq.client.producer;

import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class MessageQueueSelectorTest {

    private final List<MessageQueue> queues = IntStream.range(0, 8)
            .mapToObj(i -> new MessageQueue("t", "b" + (i % 2), i / 2)).sorted().toList();
    private final Message msg = Message.builder("t").body("x").build();

    @Test
    void theSameKeyAlwaysSelectsTheSameQueue() {
        MessageQueueSelector s = MessageQueueSelector.byHash();
        for (int order = 0; order < 100; order++) {
            String key = "order-" + order;
            MessageQueue first = s.select(queues, msg, key);
            for (int i = 0; i < 5; i++) {
                assertThat(s.select(queues, msg, key)).isEqualTo(first);
            }
        }
    }

    @Test
    void differentKeysSpreadOverTheQueues() {
        MessageQueueSelector s = MessageQueueSelector.byHash();
        Set<MessageQueue> used = new HashSet<>();
        for (int order = 0; order < 200; order++) {
            used.add(s.select(queues, msg, order));
        }
        assertThat(used).containsExactlyInAnyOrderElementsOf(queues);
    }

    @Test
    void negativeHashesAndNullKeysStayInRange() {
        MessageQueueSelector s = MessageQueueSelector.byHash();
        assertThat(queues).contains(s.select(queues, msg, Integer.MIN_VALUE), s.select(queues, msg, null));
    }
}
