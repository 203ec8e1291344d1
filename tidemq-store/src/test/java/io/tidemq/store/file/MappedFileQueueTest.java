package io.tidemq.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MappedFileQueueTest {

    private static final int FILE_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    /** Appends fixed-size chunks, never splitting one across files. */
    private static AppendCallback chunk(int size, byte fill) {
        return (ByteBuffer target, int position, int remaining, long from) -> {
            if (remaining < size) {
                return 0;
            }
            for (int i = 0; i < size; i++) {
                target.put(position + i, fill);
            }
            return size;
        };
    }

    private static void appendChunks(MappedFileQueue queue, int count, int size) {
        for (int i = 0; i < count; i++) {
            MappedFile file = queue.lastFileForAppend(0);
            if (file.append(chunk(size, (byte) (i + 1))) == 0) {
                file.resetPositions(file.fileSizeBytes());
                queue.lastFileForAppend(0).append(chunk(size, (byte) (i + 1)));
            }
        }
    }

    @Test
    void appendsRollAcrossManySmallFilesNamedByTheirStartOffset() throws Exception {
        MappedFileQueue queue = new MappedFileQueue(dir, FILE_BYTES, null, true);
        queue.load();
        appendChunks(queue, 40, 8 * 1024);

        List<MappedFile> files = queue.files();
        assertThat(files).hasSize(5);
        for (int i = 0; i < files.size(); i++) {
            assertThat(files.get(i).fileFromOffset()).isEqualTo((long) i * FILE_BYTES);
            assertThat(files.get(i).path().getFileName().toString()).isEqualTo(String.format("%020d", (long) i * FILE_BYTES));
        }
        assertThat(queue.maxOffset()).isEqualTo(40L * 8 * 1024);
        assertThat(queue.findByOffset(3L * FILE_BYTES + 5)).isSameAs(files.get(3));
        assertThat(queue.findByOffset(10L * FILE_BYTES)).isNull();
        queue.shutdown();
    }

    @Test
    void flushAdvancesAcrossFilesAndReloadSeesTheSameFiles() {
        MappedFileQueue queue = new MappedFileQueue(dir, FILE_BYTES, null, false);
        queue.load();
        appendChunks(queue, 20, 8 * 1024);
        assertThat(queue.flush(0)).isTrue();
        assertThat(queue.flushedWhere()).isEqualTo(queue.maxOffset());
        assertThat(queue.flush(0)).isFalse();
        queue.shutdown();

        MappedFileQueue reopened = new MappedFileQueue(dir, FILE_BYTES, null, false);
        reopened.load();
        assertThat(reopened.files()).hasSize(3);
        assertThat(reopened.minOffset()).isZero();
        reopened.shutdown();
    }

    @Test
    void truncateDirtyKeepsThePrefixZeroesTheRestAndDeletesLaterFiles() throws Exception {
        MappedFileQueue queue = new MappedFileQueue(dir, FILE_BYTES, null, false);
        queue.load();
        appendChunks(queue, 24, 8 * 1024);
        long cut = FILE_BYTES + 1000;

        queue.truncateDirty(cut);

        assertThat(queue.files()).hasSize(2);
        assertThat(queue.maxOffset()).isEqualTo(cut);
        MappedFile second = queue.files().get(1);
        assertThat(second.hold()).isTrue();
        ByteBuffer view = second.sliceForRead(0, FILE_BYTES);
        assertThat(view.get(999)).isNotZero();
        assertThat(view.get(1000)).isZero();
        assertThat(view.get(FILE_BYTES - 1)).isZero();
        second.release();
        assertThat(Files.exists(dir.resolve(MappedFile.fileName(2L * FILE_BYTES)))).isFalse();
        queue.shutdown();
    }

    @Test
    void deleteExpiredRemovesOldestFirstStopsAtTheFirstKeeperAndNeverTheLastFile() {
        MappedFileQueue queue = new MappedFileQueue(dir, FILE_BYTES, null, false);
        queue.load();
        appendChunks(queue, 32, 8 * 1024);
        assertThat(queue.files()).hasSize(4);

        assertThat(queue.deleteExpired(f -> true, 2)).hasSize(2);
        assertThat(queue.minOffset()).isEqualTo(2L * FILE_BYTES);
        assertThat(queue.deleteExpired(f -> true, 100)).hasSize(1);
        assertThat(queue.files()).hasSize(1);
        assertThat(queue.deleteExpired(f -> true, 100)).isEmpty();
        assertThat(Files.exists(dir.resolve(MappedFile.fileName(0)))).isFalse();
        queue.shutdown();
    }

    @Test
    void destroyUnmapsOnlyAfterTheLastReaderReleases() {
        MappedFile file = MappedFile.open(dir.resolve(MappedFile.fileName(0)), FILE_BYTES);
        assertThat(file.hold()).isTrue();

        file.destroy();

        assertThat(Files.exists(file.path())).isFalse();
        assertThat(file.isCleanedUp()).isFalse();
        assertThat(file.hold()).isFalse();
        assertThat(file.sliceForRead(0, 16).get(0)).isZero();
        file.release();
        assertThat(file.isCleanedUp()).isTrue();
        assertThat(BufferCleaner.isAvailable()).isTrue();
    }

    @Test
    void allocatorHandsOutPreCreatedWarmFilesAndDeletesUnclaimedOnesAtClose() throws Exception {
        AllocateMappedFileService allocator = new AllocateMappedFileService(true, false);
        allocator.start();
        MappedFileQueue queue = new MappedFileQueue(dir, FILE_BYTES, allocator, true);
        queue.load();
        appendChunks(queue, 9, 8 * 1024);
        assertThat(queue.files()).hasSize(2);
        Path next = dir.resolve(MappedFile.fileName(2L * FILE_BYTES));
        org.awaitility.Awaitility.await().until(() -> Files.exists(next));

        allocator.close();

        assertThat(Files.exists(next)).isFalse();
        assertThat(queue.files()).hasSize(2);
        queue.shutdown();
    }

    @Test
    void aFileWhoseCreationACrashInterruptedIsCompletedNotRefused() throws Exception {
        Path interrupted = dir.resolve(MappedFile.fileName(0));
        Files.write(interrupted, new byte[16 * 1024]); // zeros written in chunks, cut by the crash

        MappedFile file = MappedFile.open(interrupted, FILE_BYTES);
        assertThat(Files.size(interrupted)).isEqualTo(FILE_BYTES);
        file.shutdown();

        Path oldSetting = dir.resolve(MappedFile.fileName(FILE_BYTES));
        byte[] data = new byte[16 * 1024];
        data[100] = 1; // a file of another size holding data was written with another file size: refused
        Files.write(oldSetting, data);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MappedFile.open(oldSetting, FILE_BYTES))
                .hasMessageContaining("restore the file-size setting");
    }

    @Test
    void filesDeletedBeforeTheyWereFlushedDoNotStopLaterFlushes() {
        MappedFileQueue queue = new MappedFileQueue(dir, FILE_BYTES, null, false);
        queue.load();
        appendChunks(queue, 12, 8 * 1024); // files 0 and 1, nothing flushed yet
        assertThat(queue.flushedWhere()).isZero();

        assertThat(queue.deleteExpired(f -> true, 1)).hasSize(1); // retention: file 0's records are gone anyway
        queue.flush(0);

        assertThat(queue.flushedWhere()).isEqualTo(queue.maxOffset());
        assertThat(queue.lastFile().flushedPosition()).isEqualTo(queue.lastFile().wrotePosition());
        queue.shutdown();
    }
}
