package io.tidemq.store.flush;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.PutStatus;
import io.tidemq.store.api.StoreClosedException;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.file.MappedFileQueue;
import io.tidemq.store.metrics.StoreMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link GroupCommitService#abort()} is the flusher's part of {@code closeAbruptly()}, a crash inside one JVM: it
 * must not fsync what is pending (a killed process does not), and no put may complete after it returned (the
 * power-loss simulator took such late acknowledgements of a crashed store for promises of its successor).
 */
class GroupCommitAbortTest {

    private static final int FILE_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void anAbortFsyncsNothingPendingAndSettlesEveryPutBeforeItReturns() throws Exception {
        BlockingIo io = new BlockingIo();
        MappedFileQueue files = new MappedFileQueue(dir, FILE_BYTES, null, false, io);
        GroupCommitService service = new GroupCommitService(files, new StoreMetrics(), 60_000, null);
        service.start();
        CompletableFuture<Void> abort = null;
        try {
            io.blockForces();
            CompletableFuture<PutResult> first = service.onAppended(append(files, 300));
            assertThat(io.entered.await(10, TimeUnit.SECONDS)).as("the first group's fsync started").isTrue();
            CompletableFuture<PutResult> second = service.onAppended(append(files, 300));

            abort = CompletableFuture.runAsync(service::abort);
            // the flush loop is stopped once a new request is refused (a refused request never reaches a group)
            await().atMost(Duration.ofSeconds(10)).until(() -> service.onAppended(probe(files)).isCompletedExceptionally());
            io.unblockForces();
            abort.get(30, TimeUnit.SECONDS);

            assertThat(io.forces).as("fsyncs: only the one in progress when the crash came").hasValue(1);
            assertThat(first).as("its fsync completed before the crash").isCompleted();
            assertThat(second).as("never fsynced").isCompletedExceptionally();
            assertThat(second.handle((r, t) -> t).join()).isInstanceOf(StoreClosedException.class);
        } finally {
            io.unblockForces();
            if (abort == null) {
                service.abort();
            }
            files.shutdown();
        }
    }

    /** Appends {@code bytes} non-zero bytes to the queue, as the CommitLog would, and says where they went. */
    private static PutResult append(MappedFileQueue files, int bytes) {
        MappedFile file = files.lastFileForAppend(0);
        long from = file.fileFromOffset() + file.wrotePosition();
        file.append((target, position, remaining, fileFrom) -> {
            for (int i = 0; i < bytes; i++) {
                target.put(position + i, (byte) 7);
            }
            return bytes;
        });
        return new PutResult(PutStatus.PUT_OK, from, 0, 1, bytes, 0, 0, 0, null);
    }

    /** A request for nothing new (already written bytes): only tells whether the service still accepts work. */
    private static PutResult probe(MappedFileQueue files) {
        return new PutResult(PutStatus.PUT_OK, files.maxOffset(), 0, 1, 0, 0, 0, 0, null);
    }

    /** Counts forces; while blocked, a force waits until unblocked. */
    private static final class BlockingIo implements FileIo {
        final AtomicInteger forces = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void blockForces() {
            gate = new CountDownLatch(1);
        }

        void unblockForces() {
            gate.countDown();
        }

        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            FileIo.DEFAULT.allocate(path, channel, sizeBytes);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            forces.incrementAndGet();
            FileIo.DEFAULT.force(path, mapped, position, length);
        }
    }
}
