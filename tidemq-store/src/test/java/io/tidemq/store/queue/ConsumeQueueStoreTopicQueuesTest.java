package io.tidemq.store.queue;

import io.tidemq.store.commitlog.DispatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumeQueueStoreTopicQueuesTest {

    @TempDir
    Path dir;

    private static DispatchRequest entry(String topic, int queueId, long commitLogOffset, long queueOffset) {
        return new DispatchRequest(topic, queueId, commitLogOffset, 100, 0, 1L, queueOffset, null, null, 0);
    }

    @Test
    void eachRecordIsIndexedInItsTopicsQueueAndFoundThere() {
        ConsumeQueueStore store = new ConsumeQueueStore(dir, 64);
        try {
            long offset = 0;
            for (int round = 0; round < 2; round++) {
                for (int topic = 0; topic < 20; topic++) {
                    for (int queue = 7; queue >= 0; queue--) {
                        store.dispatch(entry("t-" + topic, queue, offset, round));
                        offset += 100;
                    }
                }
            }
            assertThat(store.topics()).hasSize(20);
            assertThat(store.queueIds("t-4")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            ConsumeQueue queue = store.find("t-4", 3);
            assertThat(queue.topic()).isEqualTo("t-4");
            assertThat(queue.queueId()).isEqualTo(3);
            assertThat(queue.maxOffset()).isEqualTo(2);
            assertThat(store.find("t-4", 8)).isNull();
            assertThat(store.find("t-20", 0)).isNull();
            assertThat(store.all()).hasSize(160);
        } finally {
            store.shutdown();
        }
    }

    @Test
    void aQueueIdBeyondTheDenseRangeIsKeptTooAndSurvivesARestart() {
        int large = ConsumeQueueStore.TopicQueues.DENSE_QUEUE_IDS + 1;
        ConsumeQueueStore store = new ConsumeQueueStore(dir, 64);
        store.dispatch(entry("t", large, 0, 0));
        store.dispatch(entry("t", 1, 100, 0));
        assertThat(store.find("t", large).maxOffset()).isEqualTo(1);
        assertThat(store.queueIds("t")).containsExactly(1, large);
        store.flushAll(0);
        store.shutdown();

        ConsumeQueueStore reopened = new ConsumeQueueStore(dir, 64);
        try {
            reopened.loadAndRecover(-1);
            assertThat(reopened.queueIds("t")).containsExactly(1, large);
            assertThat(reopened.find("t", large).maxOffset()).isEqualTo(1);
            assertThat(reopened.removeTopic("t")).containsExactly(1, large);
            assertThat(reopened.find("t", 1)).isNull();
        } finally {
            reopened.shutdown();
        }
    }
}
