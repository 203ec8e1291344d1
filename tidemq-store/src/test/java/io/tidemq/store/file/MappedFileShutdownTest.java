package io.tidemq.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** storage-audit #14: concurrent shutdowns of one file release its own reference once. */
class MappedFileShutdownTest {

    private static final int ROUNDS = 3_000;

    @TempDir
    Path dir;

    @Test
    void twoConcurrentShutdownsNeverUnmapAFileAReaderStillHolds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                MappedFile file = MappedFile.open(dir.resolve(MappedFile.fileName(round * 4096L)), 4096);
                assertThat(file.hold()).isTrue();
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> a = pool.submit(() -> shutdownAfter(start, file));
                Future<?> b = pool.submit(() -> shutdownAfter(start, file));
                a.get();
                b.get();
                assertThat(file.isCleanedUp()).as("round %d: unmapped while a reader holds it", round).isFalse();
                assertThat(file.getInt(0)).isZero();
                file.release();
                assertThat(file.isCleanedUp()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Both threads meet at the barrier, then spin to a common start so their shutdowns overlap closely. */
    private static Void shutdownAfter(CyclicBarrier start, MappedFile file) throws Exception {
        start.await();
        long goNs = System.nanoTime() + 50_000;
        while (System.nanoTime() < goNs) {
            Thread.onSpinWait();
        }
        file.shutdown();
        return null;
    }
}
