package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The head of a process queue, as ordered consumption takes it. */
class ProcessQueueHeadTest {

    private static List<Long> offsets(List<MessageExt> msgs) {
        return msgs.stream().map(MessageExt::queueOffset).toList();
    }

    @Test
    void firstMessagesAreTheLowestOffsetsInOrderWhateverThePullOrder() {
        ProcessQueue pq = new ProcessQueue(0);
        pq.putMessages(ProcessQueueTest.msgs(5, 8), 8);
        pq.putMessages(ProcessQueueTest.msgs(0, 5), 8);

        assertThat(offsets(pq.firstMessages(3))).containsExactly(0L, 1L, 2L);
        assertThat(offsets(pq.firstMessages(100))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void takingTheHeadLeavesItQueuedUntilItIsRemoved() {
        ProcessQueue pq = new ProcessQueue(10);
        pq.putMessages(ProcessQueueTest.msgs(10, 13), 13);

        List<MessageExt> head = pq.firstMessages(1);
        assertThat(pq.firstMessages(1)).isEqualTo(head);
        assertThat(pq.messageCount()).isEqualTo(3);
        assertThat(pq.committableOffset()).isEqualTo(10);

        assertThat(pq.removeMessages(head)).isEqualTo(11);
        assertThat(offsets(pq.firstMessages(5))).containsExactly(11L, 12L);
    }

    @Test
    void anEmptyQueueHasNoHead() {
        assertThat(new ProcessQueue(7).firstMessages(4)).isEmpty();
    }
}
