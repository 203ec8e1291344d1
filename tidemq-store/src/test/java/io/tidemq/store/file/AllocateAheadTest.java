package io.tidemq.store.file;

import io.tidemq.store.api.FileIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tidemq.store.file.AllocateMappedFileService.ALLOCATE_AHEAD_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * storage-audit #2 (follow-up): the allocator allocates a CommitLog file only a bounded distance ahead of its
 * appender, and stops at close without being interrupted (an interrupt closes the file's channel under it).
 */
class AllocateAheadTest {

    private static final int MIB = 1 << 20;
    private static final int FILE_BYTES = 2 * ALLOCATE_AHEAD_BYTES;

    @TempDir
    Path dir;

    /** Allocates by writing zeros only (no {@link FileIo#reserve}): a file system without fallocate. */
    private static final FileIo ZEROS = new FileIo() {
        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            FileIo.writeZeros(channel, sizeBytes);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            mapped.force(position, length);
        }
    };

    @Test
    void eachStepAllocatesOnlyUpToTheDistanceAheadOfTheWritePosition() {
        MappedFile file = MappedFile.openAllocatingLater(dir.resolve(MappedFile.fileName(0)), FILE_BYTES, ZEROS);
        try {
            assertThat(stepUntilAhead(file)).isEqualTo(ALLOCATE_AHEAD_BYTES);

            appendBytes(file, 20 * MIB);
            assertThat(stepUntilAhead(file)).isEqualTo(20 * MIB + ALLOCATE_AHEAD_BYTES);

            appendBytes(file, FILE_BYTES - 20 * MIB - MIB);
            assertThat(file.allocateAheadStep(ALLOCATE_AHEAD_BYTES, true, false)).isEqualTo(MappedFile.AheadStep.WORKED);
            while (file.allocateAheadStep(ALLOCATE_AHEAD_BYTES, true, false) != MappedFile.AheadStep.DONE) {
                assertThat(file.allocatedPosition()).isLessThanOrEqualTo(FILE_BYTES);
            }
            assertThat(file.isFullyAllocated()).isTrue();
        } finally {
            file.destroy();
        }
    }

    @Test
    void aFileSystemWithFallocateReservesTheWholeFileAtOnceAndTouchesPagesOnlyUpToTheDistanceAhead() throws Exception {
        Path path = dir.resolve(MappedFile.fileName(0));
        MappedFile file = MappedFile.openAllocatingLater(path, FILE_BYTES, FileIo.DEFAULT);
        try {
            assertThat(file.allocateAheadStep(ALLOCATE_AHEAD_BYTES, true, true)).isEqualTo(MappedFile.AheadStep.WORKED);
            assumeThat(file.allocatedPosition()).as("fallocate is available on " + dir).isEqualTo(FILE_BYTES);
            assertThat(allocatedBytes(path)).as("blocks reserved on disk").isGreaterThanOrEqualTo(FILE_BYTES);
            assertThat(stepUntilAhead(file, true)).isEqualTo(ALLOCATE_AHEAD_BYTES);

            appendBytes(file, 20 * MIB);
            assertThat(stepUntilAhead(file, true)).isEqualTo(20 * MIB + ALLOCATE_AHEAD_BYTES);

            appendBytes(file, FILE_BYTES - 20 * MIB);
            assertThat(stepUntilDone(file)).isEqualTo(FILE_BYTES);
        } finally {
            file.destroy();
        }
    }

    /**
     * Records do not end on page boundaries: the warm-up still touches whole pages ahead of the appender, file after
     * file. Before, a touch step that ended at the write position plus the distance ahead ended mid-page, the next
     * step's int compare-and-set started there and failed ("Misaligned access"), and the file was not warmed again:
     * every appender took its own page faults with {@code warmMappedFiles} on.
     */
    @Test
    void theWarmUpTouchesWholePagesAheadOfAnAppenderWhoseRecordsEndMidPage() {
        MappedFile file = MappedFile.openAllocatingLater(dir.resolve(MappedFile.fileName(0)), FILE_BYTES, ZEROS);
        try {
            int wrote = 0;
            for (int record : new int[] {1_000, 5_000, 3 * MIB + 123, 77}) {
                appendBytes(file, record);
                wrote += record;
                int touched = stepUntilAhead(file, true);
                assertThat(touched % MappedFile.OS_PAGE_BYTES).as("touched up to a page boundary").isZero();
                assertThat(touched).isEqualTo((wrote + ALLOCATE_AHEAD_BYTES) / MappedFile.OS_PAGE_BYTES
                        * MappedFile.OS_PAGE_BYTES);
            }
            appendBytes(file, FILE_BYTES - wrote - 10);
            assertThat(stepUntilDone(file)).isEqualTo(FILE_BYTES);
        } finally {
            file.destroy();
        }
    }

    /**
     * A SYNC CommitLog (the allocator forces zeros) never gets a reservation, not even when the appender allocates
     * its first chunk before the allocator thread looked at the file: a reserved block is an unwritten extent,
     * and the first fsync of records in it also commits its conversion in the file system's journal (SYNC64
     * fell from 62 to 50 records per fsync, fsyncs per second dropped by a third). Zeros written and forced
     * ahead of the appender leave that fsync only the data.
     */
    @Test
    void aSyncCommitLogFileIsAllocatedWithZerosForcedAheadOfTheAppenderNeverReserved() {
        List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        FileIo reserving = new FileIo() {
            @Override
            public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
                FileIo.writeZeros(channel, sizeBytes);
            }

            @Override
            public boolean reserve(Path path, FileChannel channel, long position, long length) throws IOException {
                calls.add("reserve " + position);
                FileIo.writeZeros(channel, position, length); // what fallocate gives, as far as reads can tell
                return true;
            }

            @Override
            public void force(Path path, MappedByteBuffer mapped, int position, int length) {
                calls.add("force " + position + "+" + length);
                mapped.force(position, length);
            }
        };
        AllocateMappedFileService sync = new AllocateMappedFileService(true, true, reserving);
        sync.start();
        MappedFile file = sync.allocate(dir.resolve(MappedFile.fileName(0)), null, FILE_BYTES);
        try {
            appendBytes(file, MIB); // the appender's first chunk, likely before the allocator's first step
            awaitParkedAt(file, MIB + ALLOCATE_AHEAD_BYTES);
            appendBytes(file, 20 * MIB);
            awaitParkedAt(file, 21 * MIB + ALLOCATE_AHEAD_BYTES);

            assertThat(calls).noneMatch(call -> call.startsWith("reserve"));
            assertThat(calls).as("the allocator forced the zeros it wrote ahead").anyMatch(call -> call.startsWith("force"));
        } finally {
            sync.close();
            file.destroy();
        }

        calls.clear();
        AllocateMappedFileService async = new AllocateMappedFileService(true, false, reserving);
        async.start();
        MappedFile asyncFile = async.allocate(dir.resolve(MappedFile.fileName(FILE_BYTES)), null, FILE_BYTES);
        try {
            appendBytes(asyncFile, 100);
            await().atMost(Duration.ofSeconds(30)).until(asyncFile::isFullyAllocated);
            assertThat(calls).as("ASYNC: reserved at once, nothing forced").containsExactly("reserve 0");
        } finally {
            async.close();
            asyncFile.destroy();
        }
    }

    @Test
    void theServiceParksAheadOfTheAppenderAndResumesWhenItComesNear() {
        AllocateMappedFileService service = new AllocateMappedFileService(true, false, ZEROS);
        service.start();
        MappedFile file = service.allocate(dir.resolve(MappedFile.fileName(0)), null, FILE_BYTES);
        try {
            awaitParkedAt(file, ALLOCATE_AHEAD_BYTES);

            appendBytes(file, 20 * MIB);
            awaitParkedAt(file, 20 * MIB + ALLOCATE_AHEAD_BYTES);
        } finally {
            service.close();
            file.destroy();
        }
    }

    @Test
    void requestsAndCloseWakeTheIdleAllocatorInsteadOfWaitingForItsIdleTimeout() {
        // an idle wait far longer than the awaits below: only a wake-up can end it in time
        AllocateMappedFileService service = new AllocateMappedFileService(false, false, ZEROS, 600_000);
        service.start();
        List<MappedFile> files = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                long offset = (long) i * MIB;
                // each request finds the thread idle: before the fix only the first one woke it
                await().atMost(Duration.ofSeconds(10)).until(() -> allocatorThread().getState() == Thread.State.TIMED_WAITING);
                CompletableFuture<MappedFile> file = CompletableFuture.supplyAsync(
                        () -> service.allocate(dir.resolve(MappedFile.fileName(offset)), null, MIB));
                await().atMost(Duration.ofSeconds(10)).until(file::isDone);
                files.add(file.join());
            }
            Thread allocator = allocatorThread();
            CompletableFuture<Void> close = CompletableFuture.runAsync(service::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> close.isDone() && !allocator.isAlive());
        } finally {
            service.close();
            files.forEach(MappedFile::destroy);
        }
    }

    @Test
    void closeStopsTheAllocatorWithoutClosingTheChannelOfAFileItIsAllocating() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        FileIo blocking = new FileIo() {
            @Override
            public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
                FileIo.writeZeros(channel, sizeBytes);
            }

            @Override
            public void force(Path path, MappedByteBuffer mapped, int position, int length) {
                mapped.force(position, length);
            }

            @Override
            public void allocateRange(Path path, FileChannel channel, long position, int length) throws IOException {
                entered.countDown();
                boolean wasInterrupted = false;
                while (true) { // a slow disk: the chunk write takes until the test releases it
                    try {
                        if (release.await(10, TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        wasInterrupted = true;
                    }
                }
                if (wasInterrupted) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt(); // as a real write would see it
                }
                FileIo.writeZeros(channel, position, length);
            }
        };
        AllocateMappedFileService service = new AllocateMappedFileService(true, false, blocking);
        service.start();
        MappedFile file = service.allocate(dir.resolve(MappedFile.fileName(0)), null, 4 * MIB);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> entered.getCount() == 0);
            Thread closer = new Thread(service::close, "test-closer");
            closer.start();
            // close() is waiting for the allocator thread to stop
            await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> !closer.isAlive());

            assertThat(interrupted).as("the allocator thread was interrupted in the middle of a chunk").isFalse();
            file.ensureAllocated(4 * MIB); // the appender can still allocate: the channel is open
            assertThat(file.isFullyAllocated()).isTrue();
        } finally {
            release.countDown();
            file.destroy();
        }
    }

    private static int stepUntilAhead(MappedFile file) {
        return stepUntilAhead(file, false);
    }

    /** @return the allocated position, or with {@code touched} the touched one, once the step says AHEAD */
    private static int stepUntilAhead(MappedFile file, boolean touched) {
        MappedFile.AheadStep step;
        do {
            step = file.allocateAheadStep(ALLOCATE_AHEAD_BYTES, true, false);
        } while (step == MappedFile.AheadStep.WORKED);
        assertThat(step).isEqualTo(MappedFile.AheadStep.AHEAD);
        return touched ? file.touchedPosition() : file.allocatedPosition();
    }

    private static int stepUntilDone(MappedFile file) {
        while (file.allocateAheadStep(ALLOCATE_AHEAD_BYTES, true, false) != MappedFile.AheadStep.DONE) {
            assertThat(file.touchedPosition()).isLessThanOrEqualTo(FILE_BYTES);
        }
        return file.touchedPosition();
    }

    /** Bytes of disk blocks the file holds ({@code stat %b} blocks of {@code %B} bytes). */
    private static long allocatedBytes(Path path) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", path.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    /** What the CommitLog does for a record: allocate below it, then write it. */
    private static void appendBytes(MappedFile file, int bytes) {
        file.ensureAllocated(file.wrotePosition() + bytes);
        file.append((target, position, remaining, fromOffset) -> bytes);
    }

    private static void awaitParkedAt(MappedFile file, int allocated) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(file.allocatedPosition()).isEqualTo(allocated);
            assertThat(allocatorThread().getState()).isEqualTo(Thread.State.TIMED_WAITING);
        });
    }

    private static Thread allocatorThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("tidemq-allocate-mappedfile")).findFirst().orElseThrow();
    }
}
