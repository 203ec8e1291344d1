package io.tidemq.store.queue;

import io.tidemq.common.filter.TagsCode;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConsumeQueueLookupTest {

    @TempDir
    Path dir;

    private static MessageRecord tagged(int i) {
        return MessageRecord.builder("q", 0).body(("v" + i).getBytes()).tags(i % 3 == 0 ? "RED" : "BLUE")
                .storeHost(TestStores.STORE_HOST).build();
    }

    @Test
    void entriesAreFoundByQueueOffsetAcrossQueueFiles() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 300; i++) {
                store.putMessage(tagged(i)).join();
            }
            await().until(() -> store.maxQueueOffset("q", 0) == 300);

            assertThat(store.minQueueOffset("q", 0)).isZero();
            assertThat(dir.resolve("consumequeue/q/0").toFile().list()).hasSizeGreaterThan(4);
            GetResult get = store.getMessages("q", 0, 130, 1, Long.MAX_VALUE, null);
            assertThat(get.messages()).singleElement()
                    .satisfies(m -> assertThat(new String(m.body())).isEqualTo("v130"));
        }
    }

    @Test
    void tagHashFilterSkipsNonMatchingEntriesAndAdvancesTheNextOffset() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 30; i++) {
                store.putMessage(tagged(i)).join();
            }
            await().until(() -> store.maxQueueOffset("q", 0) == 30);
            long red = TagsCode.of("RED");

            GetResult get = store.getMessages("q", 0, 0, 100, Long.MAX_VALUE, code -> code == red);

            assertThat(get.messages()).extracting(StoredMessage::queueOffset)
                    .containsExactly(0L, 3L, 6L, 9L, 12L, 15L, 18L, 21L, 24L, 27L);
            assertThat(get.messages()).allSatisfy(m -> assertThat(m.tags()).isEqualTo("RED"));
            GetResult none = store.getMessages("q", 0, 28, 100, Long.MAX_VALUE, code -> code == red);
            assertThat(none.status()).isEqualTo(GetStatus.NO_MESSAGE);
            assertThat(none.nextBeginOffset()).isEqualTo(30);
        }
    }

    @Test
    void offsetByTimeFindsTheFirstMessageStoredAtOrAfterTheTime() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            long firstBatchEnd = 0;
            for (int i = 0; i < 20; i++) {
                firstBatchEnd = Math.max(firstBatchEnd, store.putMessage(tagged(i)).join().storeTimestampMs());
            }
            long boundary = firstBatchEnd + 1;
            await().until(() -> System.currentTimeMillis() > boundary);
            for (int i = 20; i < 45; i++) {
                store.putMessage(tagged(i)).join();
            }
            await().until(() -> store.maxQueueOffset("q", 0) == 45);

            assertThat(store.queueOffsetByTime("q", 0, boundary)).isEqualTo(20);
            assertThat(store.queueOffsetByTime("q", 0, 0)).isZero();
            assertThat(store.queueOffsetByTime("q", 0, Long.MAX_VALUE)).isEqualTo(45);
            assertThat(store.queueOffsetByTime("missing", 0, 0)).isZero();
        }
    }

    @Test
    void putEntryIsIdempotentAndAQueueMayStartPastZero() {
        ConsumeQueue queue = new ConsumeQueue("t", 0, dir.resolve("cq"), 16);
        queue.load();
        assertThat(queue.putEntry(37, 1000, 50, 7)).isTrue();
        assertThat(queue.putEntry(37, 1000, 50, 7)).isFalse();
        assertThat(queue.putEntry(38, 1050, 60, 8)).isTrue();

        assertThat(queue.minOffset()).isEqualTo(37);
        assertThat(queue.maxOffset()).isEqualTo(39);
        assertThat(queue.entries(0, 10)).extracting(ConsumeQueue.Entry::commitLogOffset).containsExactly(1000L, 1050L);
        queue.shutdown();

        ConsumeQueue reopened = new ConsumeQueue("t", 0, dir.resolve("cq"), 16);
        reopened.load();
        reopened.recover(-1);
        assertThat(reopened.minOffset()).isEqualTo(37);
        assertThat(reopened.maxOffset()).isEqualTo(39);
        assertThat(reopened.entry(38)).isEqualTo(new ConsumeQueue.Entry(38, 1050, 60, 8));
        reopened.shutdown();
    }

    @Test
    void truncateAboveDropsEntriesPointingPastTheCommitLogEnd() {
        ConsumeQueue queue = new ConsumeQueue("t", 0, dir.resolve("cq"), 16);
        queue.load();
        for (int i = 0; i < 40; i++) {
            queue.putEntry(i, i * 100L, 100, 0);
        }
        assertThat(queue.truncateAbove(2550)).isEqualTo(15);
        assertThat(queue.maxOffset()).isEqualTo(25);
        assertThat(queue.entries(20, 100)).hasSize(5);
        queue.shutdown();
    }

    @Test
    void aQueueWhoseFirstFileStartsPastZeroIsFlushed() {
        ConsumeQueue queue = new ConsumeQueue("t", 0, dir.resolve("late"), 64);
        queue.load();
        for (int i = 0; i < 20; i++) {
            queue.putEntry(100 + i, i * 100L, 100, 0);
        }
        assertThat(queue.files().firstFile().fileFromOffset()).isEqualTo(64L * ConsumeQueue.ENTRY_BYTES);
        queue.flush();
        assertThat(queue.files().flushedWhere()).isEqualTo(queue.files().maxOffset());
        assertThat(queue.files().lastFile().flushedPosition()).isEqualTo(queue.files().lastFile().wrotePosition());
        queue.shutdown();
    }

    @Test
    void retentionKeepsAFileWhoseLastEntryIsAFillerWhileItsRecordsExist() {
        ConsumeQueue queue = new ConsumeQueue("t", 0, dir.resolve("filler"), 64);
        queue.load();
        for (int i = 0; i < 63; i++) {
            queue.putEntry(i, 10_000 + i * 100L, 100, 0);
        }
        // queue offset 63 was a corrupt record skipped by dispatch: the next record fills it with a filler
        for (int i = 64; i < 70; i++) {
            queue.putEntry(i, 10_000 + i * 100L, 100, 0);
        }
        assertThat(queue.entry(63).isFiller()).isTrue();

        assertThat(queue.deleteBelow(5000, Integer.MAX_VALUE)).isZero();
        assertThat(queue.minOffset()).isZero();
        assertThat(queue.files().files()).hasSize(2);
        queue.shutdown();
    }

    @Test
    void truncateAboveWalksPastFillers() {
        ConsumeQueue queue = new ConsumeQueue("t", 0, dir.resolve("truncate-filler"), 16);
        queue.load();
        for (int i = 0; i < 10; i++) {
            queue.putEntry(i, i * 100L, 100, 0);
        }
        for (int i = 11; i < 15; i++) {
            queue.putEntry(i, i * 100L, 100, 0);
        }
        assertThat(queue.entry(10).isFiller()).isTrue();

        assertThat(queue.truncateAbove(500)).isEqualTo(10);
        assertThat(queue.maxOffset()).isEqualTo(5);
        queue.shutdown();
    }
}
