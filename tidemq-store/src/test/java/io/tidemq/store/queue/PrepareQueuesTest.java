package io.tidemq.store.queue;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.commitlog.DispatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PrepareQueuesTest {

    @TempDir
    Path dir;

    private static DispatchRequest entry(String topic, int queueId, long commitLogOffset, long queueOffset) {
        return new DispatchRequest(topic, queueId, commitLogOffset, 100, 0, 1L, queueOffset, null, null, 0);
    }

    private static boolean hasOneFile(Path queueDir) {
        File[] files = queueDir.toFile().listFiles();
        return files != null && files.length == 1;
    }

    @Test
    void aPreparedQueueHasItsFirstFileBeforeItsFirstEntryWhichThenLandsInIt() {
        ConsumeQueueStore queues = new ConsumeQueueStore(dir, 64);
        try {
            assertThat(queues.prepare("t", 3, queues.removals())).isTrue();
            Path queueDir = dir.resolve("t/3");
            assertThat(queueDir.resolve("00000000000000000000")).exists();
            assertThat(queues.find("t", 3).maxOffset()).isZero();
            assertThat(queues.prepare("t", 3, queues.removals())).isFalse();

            queues.dispatch(entry("t", 3, 0, 0));
            queues.dispatch(entry("t", 3, 100, 1));

            assertThat(queues.find("t", 3).maxOffset()).isEqualTo(2);
            assertThat(queues.find("t", 3).entry(1).commitLogOffset()).isEqualTo(100);
            assertThat(queueDir.toFile().list()).containsExactly("00000000000000000000");
        } finally {
            queues.shutdown();
        }
    }

    @Test
    void aQueueTheDispatcherCreatedFirstIsLeftAlone() {
        ConsumeQueueStore queues = new ConsumeQueueStore(dir, 64);
        try {
            queues.dispatch(entry("t", 0, 0, 0));
            ConsumeQueue dispatched = queues.find("t", 0);

            assertThat(queues.prepare("t", 0, queues.removals())).isFalse();
            assertThat(queues.find("t", 0)).isSameAs(dispatched);
            assertThat(dispatched.maxOffset()).isEqualTo(1);
        } finally {
            queues.shutdown();
        }
    }

    @Test
    void aPreparationAskedForBeforeATopicWasRemovedCreatesNothing() {
        ConsumeQueueStore queues = new ConsumeQueueStore(dir, 64);
        try {
            long asked = queues.removals();
            queues.prepare("gone", 0, asked);
            queues.removeTopic("gone");

            assertThat(queues.prepare("gone", 1, asked)).isFalse();
            assertThat(queues.find("gone", 1)).isNull();
            assertThat(dir.resolve("gone")).doesNotExist();
            assertThat(queues.prepare("gone", 1, queues.removals())).isTrue();
        } finally {
            queues.shutdown();
        }
    }

    @Test
    void aNewTopicsQueuesAreCreatedInTheBackgroundAndTakeItsMessages() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            store.prepareQueues("fresh", 8);
            Path topicDir = dir.resolve("consumequeue/fresh");
            await().until(() -> store.queueIds("fresh").size() == 8
                    && java.util.stream.IntStream.range(0, 8).allMatch(q -> hasOneFile(topicDir.resolve("" + q))));

            for (int i = 0; i < 10; i++) {
                store.putMessage(TestStores.message("fresh", i % 8, 16)).join();
            }
            await().until(() -> store.maxQueueOffset("fresh", 1) == 2);
            GetResult get = store.getMessages("fresh", 1, 0, 10, Long.MAX_VALUE, null);
            assertThat(get.messages()).hasSize(2);
            assertThat(store.maxQueueOffset("fresh", 7)).isEqualTo(1);
        }
    }

    @Test
    void aQueueThatAlreadyHasRecordsIsNotPreparedAgain() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            store.putMessage(TestStores.message("used", 0, 16)).join();
            store.putMessage(TestStores.message("used", 0, 16)).join();
            store.prepareQueues("used", 2);
            await().until(() -> store.queueIds("used").size() == 2 && store.maxQueueOffset("used", 0) == 2);
            store.putMessage(TestStores.message("used", 0, 16)).join();
            await().until(() -> store.maxQueueOffset("used", 0) == 3);
            assertThat(store.getMessages("used", 0, 0, 10, Long.MAX_VALUE, null).messages()).hasSize(3);
            assertThat(store.maxQueueOffset("used", 1)).isZero();
        }
    }

    @Test
    void preparedQueuesWithoutRecordsSurviveACrashAndTakeMessagesAfterIt() {
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build());
        store.start();
        store.prepareQueues("fresh", 4);
        await().until(() -> store.queueIds("fresh").size() == 4
                && hasOneFile(dir.resolve("consumequeue/fresh/3")));
        store.closeAbruptly();

        try (DefaultMessageStore reopened = new DefaultMessageStore(smallConfig(dir).build())) {
            reopened.start();
            assertThat(reopened.maxQueueOffset("fresh", 3)).isZero();
            reopened.putMessage(TestStores.message("fresh", 3, 16)).join();
            await().until(() -> reopened.maxQueueOffset("fresh", 3) == 1);
            assertThat(reopened.getMessages("fresh", 3, 0, 10, Long.MAX_VALUE, null).messages()).hasSize(1);
            assertThat(Files.exists(dir.resolve("consumequeue/fresh/0"))).isTrue();
        }
    }

    @Test
    void queuesPreparedCompletesOnlyAfterEveryPreparationAskedForBeforeIt() throws Exception {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int t = 0; t < 20; t++) {
                store.prepareQueues("burst-" + t, 8);
            }

            store.queuesPrepared().get(30, java.util.concurrent.TimeUnit.SECONDS);

            for (int t = 0; t < 20; t++) {
                Path topicDir = dir.resolve("consumequeue/burst-" + t);
                assertThat(store.queueIds("burst-" + t)).hasSize(8);
                assertThat(java.util.stream.IntStream.range(0, 8).allMatch(q -> hasOneFile(topicDir.resolve("" + q))))
                        .isTrue();
            }
        }
    }

    @Test
    void queuesPreparedCompletesAtOnceOnAStoreThatIsNotRunning() {
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build());
        assertThat(store.queuesPrepared()).isCompleted();
        store.start();
        store.close();
        assertThat(store.queuesPrepared()).isCompleted();
    }
}
