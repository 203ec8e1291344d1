package io.tidemq.store.commitlog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicQueueTableTest {

    private final TopicQueueTable table = new TopicQueueTable();

    @Test
    void eachQueueOfEachTopicCountsOnItsOwnFromZero() {
        for (int topic = 0; topic < 1_250; topic++) {
            for (int queue = 0; queue < 8; queue++) {
                table.counter("t-" + topic, queue).next += topic * 8L + queue;
            }
        }
        assertThat(table.peek("t-0", 0)).isZero();
        assertThat(table.peek("t-1249", 7)).isEqualTo(1_249 * 8L + 7);
        assertThat(table.peek("t-3", 2)).isEqualTo(26);
        assertThat(table.peek("t-3", 8)).isZero();
        assertThat(table.peek("unknown", 0)).isZero();
    }

    @Test
    void aQueuesCounterIsTheSameHolderOnEveryAppend() {
        TopicQueueTable.Counter first = table.counter("t", 5);
        table.counter("t", 900);
        assertThat(table.counter("t", 5)).isSameAs(first);
    }

    @Test
    void topicAndQueueIdAreNotOneConcatenatedName() {
        // "a-1" queue 2 and "a" queue 12 would both have been "a-1-2"-like keys had the key been built by hand
        table.set("a-1", 2, 10);
        table.set("a", 12, 20);
        assertThat(table.peek("a-1", 2)).isEqualTo(10);
        assertThat(table.peek("a", 12)).isEqualTo(20);
    }

    @Test
    void queueIdsBeyondTheDenseRangeAndSetAfterClearWork() {
        int large = TopicQueueTable.DENSE_QUEUE_IDS + 5;
        table.set("t", large, 42);
        table.set("t", Integer.MAX_VALUE, 7);
        assertThat(table.peek("t", large)).isEqualTo(42);
        assertThat(table.peek("t", Integer.MAX_VALUE)).isEqualTo(7);
        table.clear();
        assertThat(table.peek("t", large)).isZero();
        table.set("t", 3, 9);
        assertThat(table.peek("t", 3)).isEqualTo(9);
    }
}
