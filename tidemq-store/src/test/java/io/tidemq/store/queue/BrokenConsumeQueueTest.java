package io.tidemq.store.queue;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.fault.FaultyFileIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * storage-audit #16 (minor): one ConsumeQueue whose write fails does not halt dispatch for every queue. It is
 * marked broken (and shown in the store stats), the others go on, and the dispatch checkpoint stays below its
 * missing record, so a restart dispatches that record again.
 */
class BrokenConsumeQueueTest {

    @TempDir
    Path dir;

    @Test
    void aQueueWhoseFileCannotBeCreatedIsSkippedAndRebuiltAtTheNextStart() {
        // every file of queue bad/0 fails to be allocated (EMFILE on a broker with too many queues; a full disk is
        // the store's disk-full state instead, DiskFullTest)
        FaultyFileIo io = new FaultyFileIo(dir.resolve("consumequeue").resolve("bad"));
        io.failNextAllocations(Integer.MAX_VALUE, "Too many open files");
        PutResult badPut;
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).fileIo(io).build())) {
            store.start();
            store.putMessage(message("good", 0, "before")).join();
            badPut = store.putMessage(message("bad", 0, "lost until restart")).join();
            for (int i = 0; i < 50; i++) {
                store.putMessage(message("good", 0, "after " + i)).join();
            }
            store.putMessage(message("bad", 0, "second")).join();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(store.maxQueueOffset("good", 0)).isEqualTo(51));
            assertThat(store.stats().brokenConsumeQueues()).isEqualTo(1);
            assertThat(store.brokenConsumeQueues()).singleElement().satisfies(broken -> {
                assertThat(broken.topic()).isEqualTo("bad");
                assertThat(broken.queueId()).isZero();
                assertThat(broken.commitLogOffset()).isEqualTo(badPut.physicalOffset());
                assertThat(broken.error()).contains("Too many open files");
            });
            assertThat(store.getMessages("bad", 0, 0, 10, Long.MAX_VALUE, null).status())
                    .isNotEqualTo(GetStatus.FOUND);
        }
        // the cause is fixed (space freed); the restart dispatches the records the broken queue missed
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            assertThat(store.stats().brokenConsumeQueues()).isZero();
            assertThat(store.maxQueueOffset("bad", 0)).isEqualTo(2);
            GetResult get = store.getMessages("bad", 0, 0, 10, Long.MAX_VALUE, null);
            assertThat(get.status()).isEqualTo(GetStatus.FOUND);
            assertThat(get.messages()).hasSize(2);
            assertThat(store.maxQueueOffset("good", 0)).isEqualTo(51);
        }
    }
}
