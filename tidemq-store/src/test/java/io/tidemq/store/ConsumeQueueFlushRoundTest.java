package io.tidemq.store;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.recovery.StoreCheckpoint;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flush rounds of the indexes (docs/storage-format.md, "Flush"): between thorough rounds a ConsumeQueue is
 * msynced only with {@code flushConsumeQueueLeastPages} dirty pages, and the checkpoint's dispatched offset moves
 * only in thorough rounds, so it never claims an unflushed entry durable.
 */
class ConsumeQueueFlushRoundTest {

    /** 1 024 entries of 20 bytes: a 20 KiB ConsumeQueue file, five pages. */
    private static final int ENTRIES_PER_FILE = 1024;
    private static final long ONE_HOUR_MS = 3_600_000;

    @TempDir
    Path dir;

    /** Counts forces per file; called by the flush threads. */
    private static final class CountingIo implements FileIo {
        final ConcurrentHashMap<Path, AtomicInteger> forces = new ConcurrentHashMap<>();

        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            FileIo.DEFAULT.allocate(path, channel, sizeBytes);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            forces.computeIfAbsent(path.toAbsolutePath(), p -> new AtomicInteger()).incrementAndGet();
            FileIo.DEFAULT.force(path, mapped, position, length);
        }

        int forcesUnder(Path queueDir) {
            Path prefix = queueDir.toAbsolutePath();
            return forces.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .mapToInt(e -> e.getValue().get()).sum();
        }
    }

    private Path queueDir(String topic, int queueId) {
        return dir.resolve("consumequeue").resolve(topic).resolve(Integer.toString(queueId));
    }

    /** A store whose rounds msync a queue with 2 dirty pages, and every queue every {@code thoroughMs}. */
    private DefaultMessageStore store(CountingIo io, long thoroughMs) {
        return new DefaultMessageStore(smallConfig(dir)
                .consumeQueueEntriesPerFile(ENTRIES_PER_FILE)
                .flushConsumeQueueLeastPages(2)
                .flushConsumeQueueThoroughIntervalMs(thoroughMs)
                .fileIo(io).build());
    }

    private long checkpointDispatched() {
        return StoreCheckpoint.load(dir).consumeQueueFlushedOffset();
    }

    /**
     * A thorough round msyncs every queue written since the last one; with 10 000 sparse queues that is 10 000
     * msyncs of a page or two, each writing the page back and write-protecting it for the dispatcher's next entry
     * (docs/benchmarks.md, "Many queues": 16 - 18 us of flush-thread CPU per message at 10 s). By default it
     * runs once a minute, as RocketMQ's flushConsumeQueueThoroughInterval; recovery after a crash then re-indexes
     * at most a minute of the CommitLog (docs/storage-format.md, "Flush").
     */
    @Test
    void byDefaultEveryQueueIsFlushedOnceAMinute() {
        assertThat(StoreConfig.builder(dir).build().flushConsumeQueueThoroughIntervalMs()).isEqualTo(60_000);
    }

    @Test
    void betweenThoroughRoundsASparseQueueIsNotFlushedAndTheCheckpointDoesNotCoverIt() {
        CountingIo io = new CountingIo();
        long end;
        try (DefaultMessageStore store = store(io, ONE_HOUR_MS)) {
            store.start();
            // the first round is thorough
            await().until(() -> StoreCheckpoint.load(dir).isKnown());
            long thoroughDispatched = checkpointDispatched();

            PutResult put = store.putMessage(message("sparse", 0, "a single entry")).join();
            end = put.physicalOffset() + put.wroteBytes();
            await().until(() -> store.maxQueueOffset("sparse", 0) == 1);
            // later rounds ran (the checkpoint's CommitLog offset passed the record) ...
            long dispatchedAtMs = System.currentTimeMillis();
            await().until(() -> StoreCheckpoint.load(dir).commitLogFlushedOffset() >= end
                    && StoreCheckpoint.load(dir).commitLogFlushTimestampMs() > dispatchedAtMs);

            // ... and flushed neither the one-entry queue nor moved the dispatched offset past the last thorough round
            assertThat(io.forcesUnder(queueDir("sparse", 0))).as("forces of the sparse queue").isZero();
            assertThat(checkpointDispatched()).isEqualTo(thoroughDispatched).isLessThan(end);
        }
        // close() is a thorough round
        assertThat(io.forcesUnder(queueDir("sparse", 0))).as("forces of the sparse queue after close").isPositive();
        assertThat(checkpointDispatched()).isGreaterThanOrEqualTo(end);
    }

    @Test
    void aQueueWithEnoughDirtyPagesIsFlushedBetweenThoroughRounds() {
        CountingIo io = new CountingIo();
        try (DefaultMessageStore store = store(io, ONE_HOUR_MS)) {
            store.start();
            await().until(() -> StoreCheckpoint.load(dir).isKnown());
            int entries = 2 * 4096 / 20 + 1; // past the second page boundary
            for (int i = 0; i < entries; i++) {
                store.putMessage(message("dense", 0, "m" + i)).join();
            }
            await().until(() -> store.maxQueueOffset("dense", 0) == entries);

            await().until(() -> io.forcesUnder(queueDir("dense", 0)) > 0);
        }
    }

    @Test
    void aThoroughRoundFlushesEveryQueueAndAdvancesTheCheckpoint() {
        CountingIo io = new CountingIo();
        try (DefaultMessageStore store = store(io, 100)) {
            store.start();
            PutResult put = store.putMessage(message("sparse", 3, "a single entry")).join();
            long end = put.physicalOffset() + put.wroteBytes();

            await().until(() -> checkpointDispatched() >= end);
            assertThat(io.forcesUnder(queueDir("sparse", 3))).isPositive();
        }
    }
}
