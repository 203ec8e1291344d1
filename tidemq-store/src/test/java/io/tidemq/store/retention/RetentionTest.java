package io.tidemq.store.retention;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.file.MappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RetentionTest {

    @TempDir
    Path dir;

    private long count(Path path) throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            return files.count();
        }
    }

    private void age(long fileFromOffset) throws IOException {
        Files.setLastModifiedTime(dir.resolve("commitlog").resolve(MappedFile.fileName(fileFromOffset)),
                FileTime.from(Instant.now().minus(100, ChronoUnit.HOURS)));
    }

    @Test
    void expiredFilesAreDeletedOldestFirstAndReadersOfThemGetOffsetTooSmall() throws IOException {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).retentionHours(72)
                .deleteFilesPerRun(2).build())) {
            store.start();
            for (int i = 0; i < 450; i++) {
                store.putMessage(message("r", 0, "r" + i + "-" + "z".repeat(650))).join();
            }
            await().until(() -> store.maxQueueOffset("r", 0) == 450
                    && store.flushedOffset() == store.commitLogMaxOffset());
            long commitLogFiles = count(dir.resolve("commitlog"));
            long queueFiles = count(dir.resolve("consumequeue/r/0"));
            assertThat(commitLogFiles).isGreaterThanOrEqualTo(5);
            for (long f = 0; f < commitLogFiles; f++) {
                age(f * TestStores.FILE_BYTES);
            }

            assertThat(store.runRetentionNow()).isEqualTo(2);

            assertThat(store.commitLogMinOffset()).isEqualTo(2L * TestStores.FILE_BYTES);
            assertThat(count(dir.resolve("commitlog"))).isEqualTo(commitLogFiles - 2);
            assertThat(count(dir.resolve("consumequeue/r/0"))).isLessThan(queueFiles);
            long min = store.minQueueOffset("r", 0);
            assertThat(min).isPositive();
            GetResult tooSmall = store.getMessages("r", 0, 0, 10, Long.MAX_VALUE, null);
            assertThat(tooSmall.status()).isEqualTo(GetStatus.OFFSET_TOO_SMALL);
            assertThat(tooSmall.nextBeginOffset()).isEqualTo(min);
            GetResult first = store.getMessages("r", 0, min, 1, Long.MAX_VALUE, null);
            assertThat(first.status()).isEqualTo(GetStatus.FOUND);
            assertThat(first.messages().get(0).physicalOffset()).isGreaterThanOrEqualTo(store.commitLogMinOffset());
            assertThat(store.getMessages("r", 0, min - 1, 1, Long.MAX_VALUE, null).status())
                    .isEqualTo(GetStatus.OFFSET_TOO_SMALL);
            assertThatThrownBy(() -> store.readByPhysicalOffset(100))
                    .isInstanceOf(OffsetOutOfRangeException.class)
                    .hasMessageContaining("restart from " + store.commitLogMinOffset());

            // the active file is never deleted, however old
            while (store.runRetentionNow() > 0) {
                assertThat(count(dir.resolve("commitlog"))).isPositive();
            }
            long max = store.commitLogMaxOffset();
            assertThat(store.commitLogMinOffset()).isEqualTo(max - max % TestStores.FILE_BYTES);
            assertThat(store.stats().deletedCommitLogFiles()).isEqualTo(max / TestStores.FILE_BYTES);
        }
    }

    @Test
    void filesYoungerThanTheRetentionTimeAreKept() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 300; i++) {
                store.putMessage(message("r", 0, 700)).join();
            }
            await().until(() -> store.flushedOffset() == store.commitLogMaxOffset());
            assertThat(store.runRetentionNow()).isZero();
            assertThat(store.commitLogMinOffset()).isZero();
        }
    }
}
