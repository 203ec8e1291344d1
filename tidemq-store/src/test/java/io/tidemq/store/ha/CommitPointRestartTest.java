package io.tidemq.store.ha;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The commit point across a restart: records above it stay undispatched (a consumer never sees, after a crash or
 * a clean stop, what a truncation could still discard), yet their queue offsets stay taken, so a new message
 * never gets the offset such a record holds (apache/rocketmq#7689).
 */
class CommitPointRestartTest {

    @TempDir
    Path dir;

    /** Writes 6 committed and 4 uncommitted messages to orders#0; returns the commit point. */
    private long writeCommittedAndUncommitted(DefaultMessageStore store) {
        for (int i = 0; i < 6; i++) {
            store.putMessage(message("orders", 0, "committed-" + i)).join();
        }
        long point = store.commitLogMaxOffset();
        store.setDispatchCeiling(point);
        for (int i = 0; i < 4; i++) {
            store.putMessage(message("orders", 0, "uncommitted-" + i)).join();
        }
        await().until(() -> store.dispatchedOffset() == point);
        assertThat(store.maxQueueOffset("orders", 0)).isEqualTo(6);
        return point;
    }

    @Test
    void aCleanRestartDispatchesOnlyToThePersistedCommitPointAndKeepsTheTailsQueueOffsets() {
        long point;
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            point = writeCommittedAndUncommitted(store);
        }
        assertRestartHoldsTheTailBack(point);
    }

    @Test
    void aCrashRestartDispatchesOnlyToThePersistedCommitPointAndKeepsTheTailsQueueOffsets() {
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build());
        store.start();
        long point = writeCommittedAndUncommitted(store);
        store.closeAbruptly();
        assertRestartHoldsTheTailBack(point);
    }

    private void assertRestartHoldsTheTailBack(long point) {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.setDispatchCeiling(point);
            store.start();
            assertThat(store.dispatchedOffset()).isEqualTo(point);
            assertThat(store.maxQueueOffset("orders", 0)).as("the uncommitted tail is not visible").isEqualTo(6);

            long appendedAt = store.putMessage(message("orders", 0, "after-restart")).join().queueOffset();
            assertThat(appendedAt).as("the tail's queue offsets stay taken").isEqualTo(10);

            store.setDispatchCeiling(Long.MAX_VALUE); // replication commits everything
            await().until(() -> store.maxQueueOffset("orders", 0) == 11);
            GetResult all = store.getMessages("orders", 0, 0, 100, Long.MAX_VALUE, null);
            assertThat(all.messages()).extracting(StoredMessage::queueOffset)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void theCommitPointFileRoundTripsAndADamagedOneIsUnknown() throws IOException {
        Path ha = dir.resolve(ReplicaLog.HA_DIR);
        assertThat(CommitPointFile.load(ha)).isEqualTo(CommitPointFile.UNKNOWN);
        CommitPointFile.store(ha, 123_456L);
        assertThat(CommitPointFile.load(ha)).isEqualTo(123_456L);

        Path file = ha.resolve(CommitPointFile.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putLong(CommitPointFile.COMMIT_POINT_OFFSET, 999L);
        Files.write(file, bytes);
        assertThat(CommitPointFile.load(ha)).as("a CRC mismatch").isEqualTo(CommitPointFile.UNKNOWN);
    }
}
