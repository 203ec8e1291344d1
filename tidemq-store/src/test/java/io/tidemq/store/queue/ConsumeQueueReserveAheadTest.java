package io.tidemq.store.queue;

import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FileIo;
import io.tidemq.store.fault.FaultyFileIo;
import io.tidemq.store.file.MappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A ConsumeQueue file is reserved in {@link ConsumeQueue#RESERVE_CHUNK_BYTES} chunks just ahead of its entries, not
 * whole at its first entry (10 000 queues of 6 MB files took 60 GB): a fresh queue takes one page of disk (the
 * reserved prefix doubles up to whole chunks, so 10 000 fresh queues write 40 MB of zeros, not 655 MB), a chunk
 * the disk has no room for is a typed error before anything is written, a queue holds no file descriptor, and a
 * queue reopened after a crash (with a hole above its end, or a file a power loss left short) reserves from its
 * recovered end.
 */
class ConsumeQueueReserveAheadTest {

    /** The default: 300 000 entries, a 6 MB file. */
    private static final int ENTRIES_PER_FILE = 300_000;
    private static final int FILE_BYTES = ENTRIES_PER_FILE * ConsumeQueue.ENTRY_BYTES;
    private static final int ENTRIES_PER_CHUNK = ConsumeQueue.RESERVE_CHUNK_BYTES / ConsumeQueue.ENTRY_BYTES;

    @TempDir
    Path dir;

    /** Records every allocation the store asks for, then does it through {@code delegate}. Thread-safe. */
    private static final class RecordingIo implements FileIo {
        final FileIo delegate;
        /** {position, length} of every range allocated. */
        final List<long[]> ranges = new CopyOnWriteArrayList<>();
        /** Whole-file allocations and reservations asked for (there must be none). */
        final List<Long> wholeFiles = new CopyOnWriteArrayList<>();

        RecordingIo(FileIo delegate) {
            this.delegate = delegate;
        }

        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            wholeFiles.add(sizeBytes);
            delegate.allocate(path, channel, sizeBytes);
        }

        @Override
        public boolean reserve(Path path, FileChannel channel, long position, long length) throws IOException {
            wholeFiles.add(length);
            return delegate.reserve(path, channel, position, length);
        }

        @Override
        public void allocateRange(Path path, FileChannel channel, long position, int length) throws IOException {
            delegate.allocateRange(path, channel, position, length);
            ranges.add(new long[] {position, length});
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            delegate.force(path, mapped, position, length);
        }

        long allocatedBytes() {
            return ranges.stream().mapToLong(r -> r[1]).sum();
        }
    }

    private ConsumeQueue queue(FileIo io) {
        return new ConsumeQueue("t", 0, dir.resolve("t").resolve("0"), ENTRIES_PER_FILE, io);
    }

    private static void put(ConsumeQueue queue, long fromOffset, long count) {
        for (long q = fromOffset; q < fromOffset + count; q++) {
            assertThat(queue.putEntry(q, 1_000 + q * 100, 100, q)).isTrue();
        }
    }

    private Path firstFile() {
        return dir.resolve("t").resolve("0").resolve(MappedFile.fileName(0));
    }

    /** Bytes the file system really holds for {@code file} ({@code stat %b}, 512-byte blocks), or -1 unknown. */
    private static long diskBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return stat.waitFor() == 0 && out.matches("\\d+") ? Long.parseLong(out) * 512 : -1;
    }

    /** Descriptors this JVM holds open on files under {@code under} (Linux {@code /proc/self/fd}). */
    private static long openDescriptorsUnder(Path under) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeThat(Files.isDirectory(fds)).as("/proc/self/fd (Linux)").isTrue();
        Path real = under.toRealPath();
        try (Stream<Path> links = Files.list(fds)) {
            return links.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).startsWith(real);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).count();
        }
    }

    @Test
    void aFreshQueueTakesOnePageOfDiskAndHoldsNoDescriptor() throws Exception {
        RecordingIo io = new RecordingIo(FileIo.DEFAULT);
        ConsumeQueue queue = queue(io);
        try {
            put(queue, 0, 10);
            assertThat(io.wholeFiles).as("no whole-file allocation or reservation").isEmpty();
            assertThat(io.ranges).as("a fresh queue reserves one page, not a whole chunk")
                    .extracting(r -> r[0], r -> r[1]).containsExactly(tuple(0L, (long) MappedFile.OS_PAGE_BYTES));
            assertThat(Files.size(firstFile())).as("the file keeps its logical size").isEqualTo(FILE_BYTES);
            long onDisk = diskBytes(firstFile());
            if (onDisk >= 0) {
                assertThat(onDisk).as("blocks on disk").isLessThanOrEqualTo(2L * MappedFile.OS_PAGE_BYTES);
            }
            assertThat(openDescriptorsUnder(dir)).as("descriptors held on queue files").isZero();

            put(queue, 10, ENTRIES_PER_CHUNK); // crosses into the second whole chunk
            long page = MappedFile.OS_PAGE_BYTES;
            long chunk = ConsumeQueue.RESERVE_CHUNK_BYTES;
            assertThat(io.ranges).as("the reserved prefix doubles up to whole chunks")
                    .extracting(r -> r[0], r -> r[1]).containsExactly(tuple(0L, page), tuple(page, page),
                            tuple(2 * page, 2 * page), tuple(4 * page, 4 * page), tuple(8 * page, 8 * page),
                            tuple(chunk, chunk));
            assertThat(io.allocatedBytes()).isEqualTo(2L * ConsumeQueue.RESERVE_CHUNK_BYTES);
            assertThat(openDescriptorsUnder(dir)).isZero();
            assertThat(queue.entries(0, ENTRIES_PER_CHUNK + 10)).hasSize(ENTRIES_PER_CHUNK + 10)
                    .allSatisfy(e -> assertThat(e.commitLogOffset()).isEqualTo(1_000 + e.queueOffset() * 100));
        } finally {
            queue.shutdown();
        }
    }

    @Test
    void aChunkTheDiskHasNoRoomForIsADiskFullErrorBeforeAnythingIsWritten() {
        FaultyFileIo faulty = new FaultyFileIo(dir);
        ConsumeQueue queue = queue(faulty);
        try {
            put(queue, 0, ENTRIES_PER_CHUNK); // the first chunk holds 3 276 whole entries and 16 bytes
            faulty.failNextAllocations(1);
            assertThatThrownBy(() -> queue.putEntry(ENTRIES_PER_CHUNK, 7, 100, 0))
                    .isInstanceOf(DiskFullException.class)
                    .hasMessageContaining("No space left")
                    .hasMessageContaining(firstFile().toString())
                    .hasMessageContaining("free disk space");
            assertThat(queue.maxOffset()).as("nothing appended").isEqualTo(ENTRIES_PER_CHUNK);

            assertThat(queue.putEntry(ENTRIES_PER_CHUNK, 7, 100, 0)).as("room again: the retry writes it").isTrue();
            assertThat(queue.entry(ENTRIES_PER_CHUNK).commitLogOffset()).isEqualTo(7);
        } finally {
            queue.shutdown();
        }
    }

    @Test
    void aQueueReopenedAfterACrashReservesFromItsRecoveredEnd() {
        ConsumeQueue before = queue(FileIo.DEFAULT);
        put(before, 0, 100);
        before.shutdown(); // as a kill: nothing flushed, the page cache keeps the entries

        RecordingIo io = new RecordingIo(FileIo.DEFAULT);
        ConsumeQueue after = queue(io);
        after.load();
        after.recover(-1);
        try {
            assertThat(after.maxOffset()).isEqualTo(100);
            put(after, 100, 5);
            assertThat(io.wholeFiles).isEmpty();
            assertThat(io.ranges).as("the next chunk starts at the recovered end, not above a possible hole")
                    .extracting(r -> r[0]).containsExactly(100L * ConsumeQueue.ENTRY_BYTES);
            assertThat(after.entries(0, 200)).hasSize(105)
                    .allSatisfy(e -> assertThat(e.commitLogOffset()).isEqualTo(1_000 + e.queueOffset() * 100));
        } finally {
            after.shutdown();
        }
    }

    @Test
    void aLastFileAPowerLossLeftShortIsExtendedSparseAndKeepsItsEntries() throws Exception {
        ConsumeQueue before = queue(FileIo.DEFAULT);
        put(before, 0, 100);
        before.flush();
        before.shutdown();
        try (RandomAccessFile file = new RandomAccessFile(firstFile().toFile(), "rw")) {
            file.setLength(MappedFile.OS_PAGE_BYTES); // the growth to 6 MB was lost, the first page was written back
        }

        RecordingIo io = new RecordingIo(FileIo.DEFAULT);
        ConsumeQueue after = queue(io);
        after.load();
        after.recover(-1);
        try {
            assertThat(Files.size(firstFile())).isEqualTo(FILE_BYTES);
            assertThat(after.maxOffset()).isEqualTo(100);
            put(after, 100, 1);
            assertThat(io.wholeFiles).as("no 6 MB of zeros to complete it").isEmpty();
            assertThat(io.allocatedBytes()).as("one page from the recovered end (2 000 bytes: still the first pages)")
                    .isEqualTo(MappedFile.OS_PAGE_BYTES);
            long onDisk = diskBytes(firstFile());
            if (onDisk >= 0) {
                assertThat(onDisk).isLessThanOrEqualTo(2L * ConsumeQueue.RESERVE_CHUNK_BYTES);
            }
            assertThat(after.entries(0, 200)).hasSize(101);
        } finally {
            after.shutdown();
        }
    }
}
