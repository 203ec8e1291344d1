package io.tidemq.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class MappedFileWarmUpTest {

    private static final int FILE_BYTES = 8 * 1024 * 1024;
    private static final int PAGE = MappedFile.OS_PAGE_BYTES;

    @TempDir
    Path dir;

    /** Fills {@code size} bytes with a non-zero pattern derived from the absolute position. */
    private static AppendCallback pattern(int size) {
        return (ByteBuffer target, int position, int remaining, long from) -> {
            int n = Math.min(size, remaining);
            for (int i = 0; i < n; i++) {
                target.put(position + i, patternByte(position + i));
            }
            return n;
        };
    }

    private static byte patternByte(int position) {
        return (byte) (1 + position % 251);
    }

    @Test
    void warmUpTouchesOnlyThePagesAboveTheWritePosition() {
        MappedFile file = MappedFile.open(dir.resolve(MappedFile.fileName(0)), FILE_BYTES);
        file.append(pattern(PAGE * 10 + 100));

        int touched = file.warmUp(false);

        // pages 0..9 are full and page 10 is partly written: all were faulted in by the append itself
        assertThat(touched).isEqualTo(FILE_BYTES / PAGE - 11);
        assertThat(file.getInt(PAGE * 10)).as("the partly written page keeps its bytes")
                .isEqualTo(ByteBuffer.wrap(new byte[] {patternByte(PAGE * 10), patternByte(PAGE * 10 + 1),
                        patternByte(PAGE * 10 + 2), patternByte(PAGE * 10 + 3)}).getInt());
        file.shutdown();
    }

    @Test
    void warmUpRunningAlongsideAnAppenderNeverOverwritesAppendedBytes() {
        MappedFile file = MappedFile.open(dir.resolve(MappedFile.fileName(0)), FILE_BYTES);
        CompletableFuture<Integer> warming = CompletableFuture.supplyAsync(() -> file.warmUp(false));
        // odd-sized appends so that records start and end in the middle of pages the warmer may be touching
        while (!file.isFull()) {
            file.append(pattern(PAGE + 123));
        }
        warming.join();

        ByteBuffer all = file.sliceForRead(0, FILE_BYTES);
        for (int i = 0; i < FILE_BYTES; i++) {
            if (all.get(i) != patternByte(i)) {
                throw new AssertionError("byte " + i + " was overwritten: " + all.get(i));
            }
        }
        file.shutdown();
    }

    @Test
    void warmUpOfAFileShutDownMeanwhileStopsAndLetsTheMappingGo() {
        MappedFile file = MappedFile.open(dir.resolve(MappedFile.fileName(0)), FILE_BYTES);
        file.shutdown();

        assertThat(file.warmUp(false)).isZero();
        assertThat(file.isCleanedUp()).isTrue();
    }
}
