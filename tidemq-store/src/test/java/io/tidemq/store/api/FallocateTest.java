package io.tidemq.store.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * issue 7 / storage-audit #2 with issue 10's "no regression in bench store": large store files get their blocks
 * reserved with fallocate instead of zeros written into them, and a full disk is still an ENOSPC error.
 */
class FallocateTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aLargeFileIsAllocatedByReservingItsBlocksWithoutWritingThem() throws Exception {
        assumeThat(fallocateAvailable()).as("the fallocate command (util-linux) is installed").isTrue();
        Path file = dir.resolve("large");
        long size = 2 * FileIo.RESERVE_MIN_BYTES;
        try (FileChannel channel = open(file)) {
            assertThat(FileIo.DEFAULT.reserve(file, channel, 0, size)).isTrue();
            assertThat(channel.size()).isEqualTo(size);
        }
        assertThat(allocatedBytes(file)).as("blocks reserved on disk").isGreaterThanOrEqualTo(size);
    }

    @Test
    void aSmallFileIsLeftToZerosBecauseStartingTheCommandWouldCostMore() throws Exception {
        Path file = dir.resolve("small");
        try (FileChannel channel = open(file)) {
            assertThat(FileIo.DEFAULT.reserve(file, channel, 0, FileIo.RESERVE_MIN_BYTES - 1)).isFalse();
            FileIo.DEFAULT.allocate(file, channel, MIB);
            assertThat(channel.size()).isEqualTo(MIB);
        }
    }

    @Test
    void aReservationTheFileSystemCannotHoldFailsAsNoSpaceInsteadOfFallingBackToZeros() throws Exception {
        assumeThat(fallocateAvailable()).as("the fallocate command (util-linux) is installed").isTrue();
        Path shm = Path.of("/dev/shm");
        assumeThat(Files.isDirectory(shm) && Files.isWritable(shm)).as("a tmpfs at /dev/shm").isTrue();
        Path file = Files.createTempFile(shm, "tidemq-fallocate-", "");
        try (FileChannel channel = open(file)) {
            // 1 PiB: more than any tmpfs holds, which answers ENOSPC (ext4 would answer EFBIG)
            assertThatThrownBy(() -> FileIo.DEFAULT.reserve(file, channel, 0, 1L << 50))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(DiskFullException.isNoSpace((IOException) e)).isTrue());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static boolean fallocateAvailable() {
        try {
            return new ProcessBuilder("fallocate", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Bytes of disk blocks the file holds ({@code stat %b} blocks of {@code %B} bytes). */
    private static long allocatedBytes(Path path) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", path.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }
}
