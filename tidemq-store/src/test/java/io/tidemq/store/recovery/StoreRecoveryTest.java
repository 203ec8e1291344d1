package io.tidemq.store.recovery;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.RecordDescriptor;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.queue.ConsumeQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class StoreRecoveryTest {

    @TempDir
    Path dir;

    /** No periodic checkpoint: recovery must work from the files alone. */
    private StoreConfig config(FlushMode mode) {
        return smallConfig(dir).flushMode(mode).flushConsumeQueueIntervalMs(60_000).build();
    }

    private List<PutResult> fillAndCrash(FlushMode mode, int count, String topic) {
        DefaultMessageStore store = new DefaultMessageStore(config(mode));
        store.start();
        List<PutResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(store.putMessage(message(topic, 0, "m" + i + "-" + "p".repeat(700))).join());
        }
        await().until(() -> store.maxQueueOffset(topic, 0) == count);
        store.closeAbruptly();
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).exists();
        return results;
    }

    private void writeAt(long physicalOffset, byte[] bytes) throws IOException {
        long fileFrom = physicalOffset - physicalOffset % TestStores.FILE_BYTES;
        Path file = dir.resolve("commitlog").resolve(MappedFile.fileName(fileFrom));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), physicalOffset - fileFrom);
        }
    }

    private void flipByteAt(long physicalOffset) throws IOException {
        long fileFrom = physicalOffset - physicalOffset % TestStores.FILE_BYTES;
        Path file = dir.resolve("commitlog").resolve(MappedFile.fileName(fileFrom));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, physicalOffset - fileFrom);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            channel.write(one.rewind(), physicalOffset - fileFrom);
        }
    }

    private static List<StoredMessage> readAll(DefaultMessageStore store, String topic) {
        List<StoredMessage> all = new ArrayList<>();
        long next = store.minQueueOffset(topic, 0);
        while (next < store.maxQueueOffset(topic, 0)) {
            GetResult get = store.getMessages(topic, 0, next, 32, Long.MAX_VALUE, null);
            all.addAll(get.messages());
            next = get.nextBeginOffset();
        }
        return all;
    }

    @Test
    void recoveryTruncatesTornTailAndKeepsEveryEarlierRecord() throws IOException {
        List<PutResult> results = fillAndCrash(FlushMode.ASYNC, 150, "t");
        PutResult last = results.get(149);
        // a torn write: the last record's second half never reached the disk
        writeAt(last.physicalOffset() + last.wroteBytes() / 2, new byte[last.wroteBytes() - last.wroteBytes() / 2]);

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();

            assertThat(store.lastRecovery().cutFromOffset()).isEqualTo(last.physicalOffset());
            assertThat(store.lastRecovery().cutBytes()).isPositive();
            assertThat(store.commitLogMaxOffset()).isEqualTo(last.physicalOffset());
            assertThat(store.maxQueueOffset("t", 0)).isEqualTo(149);
            List<StoredMessage> all = readAll(store, "t");
            assertThat(all).hasSize(149);
            assertThat(TestStores.bodyText(all.get(148))).startsWith("m148-");
            assertThat(store.stats().corruptRecords()).isZero();

            PutResult next = store.putMessage(message("t", 0, "after")).join();
            assertThat(next.queueOffset()).isEqualTo(149);
            assertThat(next.physicalOffset()).isEqualTo(last.physicalOffset());
        }
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).doesNotExist();
    }

    @Test
    void recoveryDropsQueueEntriesPastTheEndAndRedispatchesMissingOnes() throws IOException {
        List<PutResult> results = fillAndCrash(FlushMode.ASYNC, 120, "t");
        // the CommitLog lost its last 10 records (zeroed), while the queue still points at them
        long lostFrom = results.get(110).physicalOffset();
        long end = results.get(119).endOffset();
        writeAt(lostFrom, new byte[(int) (Math.min(end, lostFrom - lostFrom % TestStores.FILE_BYTES
                + TestStores.FILE_BYTES) - lostFrom)]);
        // and the queue of another topic vanished entirely
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();
            assertThat(store.lastRecovery().cuts()).anySatisfy(cut -> {
                assertThat(cut.structure()).isEqualTo(RecoveryCut.consumeQueue("t", 0));
                assertThat(cut.fromOffset()).isEqualTo(110);
                assertThat(cut.toOffset()).isEqualTo(120);
                assertThat(cut.bytes()).isEqualTo(10L * ConsumeQueue.ENTRY_BYTES);
            });
            for (int i = 0; i < 5; i++) {
                store.putMessage(message("other", 0, "o" + i)).join();
            }
            await().until(() -> store.maxQueueOffset("other", 0) == 5);
            store.closeAbruptly();
        }
        deleteRecursively(dir.resolve("consumequeue").resolve("other"));

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();

            assertThat(store.maxQueueOffset("t", 0)).isEqualTo(110);
            assertThat(readAll(store, "t")).hasSize(110);
            assertThat(store.maxQueueOffset("other", 0)).isEqualTo(5);
            assertThat(readAll(store, "other")).extracting(TestStores::bodyText)
                    .containsExactly("o0", "o1", "o2", "o3", "o4");
            assertThat(store.putMessage(message("t", 0, "x")).join().queueOffset()).isEqualTo(110);
        }
    }

    @Test
    void aCorruptRecordInTheMiddleOfAnOlderFileIsReportedNeverServedAndNothingIsCut() throws IOException {
        List<PutResult> results = fillAndCrash(FlushMode.SYNC, 300, "t");
        long fileCount;
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            fileCount = files.count();
        }
        assertThat(fileCount).isGreaterThanOrEqualTo(4);
        long olderFile = (fileCount - 2) * TestStores.FILE_BYTES;
        PutResult victim = results.stream().filter(r -> r.physicalOffset() > olderFile + 10_000).findFirst().orElseThrow();
        flipByteAt(victim.physicalOffset() + RecordDescriptor.BODY_OFFSET + 5);

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();

            assertThat(store.stats().corruptRecords()).isEqualTo(1);
            assertThat(store.lastRecovery().cutFromOffset()).isEqualTo(-1);
            assertThat(store.commitLogMaxOffset()).isEqualTo(results.get(299).endOffset());
            assertThatThrownBy(() -> store.readByPhysicalOffset(victim.physicalOffset()))
                    .isInstanceOf(CorruptRecordException.class).hasMessageContaining("CRC32C");
            List<StoredMessage> all = readAll(store, "t");
            assertThat(all).hasSize(299).noneMatch(m -> m.physicalOffset() == victim.physicalOffset());
            assertThat(store.stats().corruptReads()).isPositive();
        }
    }

    @Test
    void aCleanRestartKeepsEveryRecordAndContinuesTheQueueOffsets() {
        List<PutResult> results = new ArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();
            for (int i = 0; i < 100; i++) {
                results.add(store.putMessage(message("t", 0, "c" + i)).join());
            }
        }
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).doesNotExist();
        StoreCheckpoint checkpoint = StoreCheckpoint.load(dir);
        assertThat(checkpoint.commitLogFlushedOffset()).isEqualTo(results.get(99).endOffset());
        assertThat(checkpoint.consumeQueueFlushedOffset()).isEqualTo(results.get(99).endOffset());

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();
            assertThat(store.lastRecovery().cutFromOffset()).isEqualTo(-1);
            assertThat(readAll(store, "t")).hasSize(100);
            assertThat(store.putMessage(message("t", 0, "next")).join().queueOffset()).isEqualTo(100);
        }
    }

    @Test
    void everyAcknowledgedSyncRecordSurvivesACrash() {
        List<PutResult> results = fillAndCrash(FlushMode.SYNC, 200, "s");
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            for (PutResult result : results) {
                assertThat(store.lookByMessageId(result.msgId()).queueOffset()).isEqualTo(result.queueOffset());
            }
            assertThat(store.maxQueueOffset("s", 0)).isEqualTo(200);
        }
    }

    private void zeroRecord(PutResult record) throws IOException {
        writeAt(record.physicalOffset(), new byte[record.wroteBytes()]);
    }

    /** Abnormal start over a one-record hole, then 20 SYNC puts and a clean close; returns those puts. */
    private List<PutResult> reportHoleThenAppendAndCloseCleanly(List<PutResult> before) {
        List<PutResult> acknowledged = new ArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            assertThat(store.stats().corruptRecords()).isEqualTo(1);
            assertThat(store.commitLogMaxOffset()).isEqualTo(before.get(before.size() - 1).endOffset());
            for (int i = 0; i < 20; i++) {
                acknowledged.add(store.putMessage(message("t", 0, "after-hole-" + i)).join());
            }
            assertThat(store.flushedOffset()).isGreaterThanOrEqualTo(acknowledged.get(19).endOffset());
        }
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).doesNotExist();
        return acknowledged;
    }

    private void assertEveryRecordReadable(List<PutResult> acknowledged) {
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            assertThat(store.commitLogMaxOffset()).isGreaterThanOrEqualTo(acknowledged.get(acknowledged.size() - 1)
                    .endOffset());
            for (PutResult result : acknowledged) {
                assertThat(TestStores.bodyText(store.lookByMessageId(result.msgId())))
                        .as("record at %d", result.physicalOffset()).startsWith("after-hole-");
            }
            assertThat(store.lastRecovery().cutFromOffset()).isEqualTo(-1);
            assertThat(store.lastRecovery().cuts()).isEmpty();
            assertThat(store.stats().corruptRecords()).as("the old hole is reported again, not cut").isEqualTo(1);
        }
    }

    @Test
    void aCleanStartDoesNotEndTheLogAtAHoleAnAbnormalStartReportedAndKept() throws IOException {
        List<PutResult> before = fillAndCrash(FlushMode.SYNC, 40, "t");
        zeroRecord(before.get(20));
        List<PutResult> acknowledged = reportHoleThenAppendAndCloseCleanly(before);
        assertEveryRecordReadable(acknowledged);
    }

    @Test
    void aCleanStartWithoutACheckpointDoesNotEndTheLogAtAHole() throws IOException {
        List<PutResult> before = fillAndCrash(FlushMode.SYNC, 40, "t");
        zeroRecord(before.get(20));
        List<PutResult> acknowledged = reportHoleThenAppendAndCloseCleanly(before);
        Files.delete(dir.resolve(StoreCheckpoint.FILE_NAME));
        assertEveryRecordReadable(acknowledged);
    }

    @Test
    void aCleanStartDoesNotEndTheLogAtAMissingBlankMarkerOfANonLastFile() throws IOException {
        List<PutResult> before = fillAndCrash(FlushMode.SYNC, 120, "t");
        PutResult lastOfFirstFile = before.stream().filter(r -> r.endOffset() <= TestStores.FILE_BYTES)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(before.get(119).physicalOffset()).isGreaterThan(TestStores.FILE_BYTES);
        writeAt(lastOfFirstFile.endOffset(), new byte[(int) (TestStores.FILE_BYTES - lastOfFirstFile.endOffset())]);
        List<PutResult> acknowledged = reportHoleThenAppendAndCloseCleanly(before);
        Files.delete(dir.resolve(StoreCheckpoint.FILE_NAME));
        assertEveryRecordReadable(acknowledged);
    }

    @Test
    void aCleanStartThatFindsLessThanTheCheckpointSaysWasWrittenReportsTheCut() throws IOException {
        List<PutResult> results = new ArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            for (int i = 0; i < 40; i++) {
                results.add(store.putMessage(message("t", 0, "c" + i + "-" + "p".repeat(700))).join());
            }
        }
        // the last five records vanished after the clean shutdown (a lost write-back, a restored old copy)
        long lostFrom = results.get(35).physicalOffset();
        long end = results.get(39).endOffset();
        writeAt(lostFrom, new byte[(int) (end - lostFrom)]);

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            assertThat(store.commitLogMaxOffset()).isEqualTo(lostFrom);
            assertThat(store.lastRecovery().cutFromOffset()).isEqualTo(lostFrom);
            assertThat(store.lastRecovery().cutBytes()).isEqualTo(end - lostFrom);
            assertThat(store.lastRecovery().cuts()).filteredOn(cut -> cut.structure().equals("commitlog"))
                    .singleElement().satisfies(cut -> {
                assertThat(cut.fromOffset()).isEqualTo(lostFrom);
                assertThat(cut.toOffset()).isEqualTo(end);
                assertThat(cut.bytes()).isEqualTo(end - lostFrom);
            });
        }
    }

    @Test
    void zeroedEntriesAtTheEndOfANonLastConsumeQueueFileAreCutAndRedispatched() throws IOException {
        fillAndCrash(FlushMode.SYNC, 70, "t");
        Path firstQueueFile = dir.resolve("consumequeue").resolve("t").resolve("0").resolve(MappedFile.fileName(0));
        // the queue rolled just before an OS crash: the old file's last entries never reached the disk
        try (FileChannel channel = FileChannel.open(firstQueueFile, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[4 * ConsumeQueue.ENTRY_BYTES]), 60L * ConsumeQueue.ENTRY_BYTES);
        }

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();

            assertThat(store.maxQueueOffset("t", 0)).isEqualTo(70);
            assertThat(readAll(store, "t")).hasSize(70).extracting(StoredMessage::queueOffset)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 70).boxed().toList());
            assertThat(store.lastRecovery().cuts()).anySatisfy(cut -> {
                assertThat(cut.structure()).isEqualTo(RecoveryCut.consumeQueue("t", 0));
                assertThat(cut.fromOffset()).isEqualTo(60);
                assertThat(cut.toOffset()).isEqualTo(70);
            });
        }
    }

    @Test
    void aConsumeQueueEntryTornByAKillAfterItsCommitLogOffsetIsCutAndRedispatched() throws IOException {
        fillAndCrash(FlushMode.SYNC, 70, "t");
        Path lastQueueFile = dir.resolve("consumequeue").resolve("t").resolve("0")
                .resolve(MappedFile.fileName(64L * ConsumeQueue.ENTRY_BYTES));
        // the dispatcher was killed after writing the entry's CommitLog offset but before its size and tags code
        try (FileChannel channel = FileChannel.open(lastQueueFile, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[ConsumeQueue.ENTRY_BYTES - 8]), 5L * ConsumeQueue.ENTRY_BYTES + 8);
        }

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();

            assertThat(readAll(store, "t")).hasSize(70).extracting(StoredMessage::queueOffset)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 70).boxed().toList());
        }
    }

    @Test
    void aCheckpointLetsConsumeQueueRecoverySkipFilesItCoversAndStillCatchesAZeroedTailAfterIt() throws IOException {
        List<PutResult> results = new ArrayList<>();
        StoreConfig withCheckpoints = smallConfig(dir).flushMode(FlushMode.SYNC).build();
        try (DefaultMessageStore store = new DefaultMessageStore(withCheckpoints)) {
            store.start();
            for (int i = 0; i < 140; i++) {
                results.add(store.putMessage(message("t", 0, "m" + i)).join());
            }
            await().until(() -> StoreCheckpoint.load(dir).consumeQueueFlushedOffset() == results.get(139).endOffset());
            store.closeAbruptly();
        }
        Path secondQueueFile = dir.resolve("consumequeue").resolve("t").resolve("0")
                .resolve(MappedFile.fileName(64L * ConsumeQueue.ENTRY_BYTES));
        try (FileChannel channel = FileChannel.open(secondQueueFile, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[2 * ConsumeQueue.ENTRY_BYTES]), 62L * ConsumeQueue.ENTRY_BYTES);
        }
        try (DefaultMessageStore store = new DefaultMessageStore(withCheckpoints)) {
            store.start();
            assertThat(readAll(store, "t")).hasSize(140);
        }
    }

    /** Records every range forced, per file; otherwise the real disk. */
    private static final class ForceRecordingIo implements FileIo {
        final Map<Path, List<int[]>> forced = new ConcurrentHashMap<>();

        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            FileIo.DEFAULT.allocate(path, channel, sizeBytes);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            FileIo.DEFAULT.force(path, mapped, position, length);
            forced.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(new int[] {position, position + length});
        }

        boolean coversFromStart(Path path, int toPosition) {
            return forced.getOrDefault(path, List.of()).stream().anyMatch(r -> r[0] == 0 && r[1] >= toPosition);
        }
    }

    @Test
    void recoveryForcesEveryFileItDeclaresFlushedNotOnlyTheTail() {
        List<PutResult> results = fillAndCrash(FlushMode.ASYNC, 300, "t");
        long end = results.get(299).endOffset();
        assertThat(end).isGreaterThan(3L * TestStores.FILE_BYTES);
        ForceRecordingIo io = new ForceRecordingIo();
        StoreConfig recording = smallConfig(dir).flushMode(FlushMode.ASYNC).flushConsumeQueueIntervalMs(60_000)
                .flushIntervalMs(60_000).flushThoroughIntervalMs(60_000).fileIo(io).build();
        try (DefaultMessageStore store = new DefaultMessageStore(recording)) {
            store.start();

            assertThat(store.flushedOffset()).isEqualTo(end);
            for (long from = 0; from < end; from += TestStores.FILE_BYTES) {
                Path file = dir.resolve("commitlog").resolve(MappedFile.fileName(from));
                int written = (int) Math.min(TestStores.FILE_BYTES, end - from);
                assertThat(io.coversFromStart(file, written)).as("CommitLog file %s forced by recovery", file)
                        .isTrue();
            }
            Path queueDir = dir.resolve("consumequeue").resolve("t").resolve("0");
            for (long q = 0; q < 300; q += 64) {
                Path file = queueDir.resolve(MappedFile.fileName(q * ConsumeQueue.ENTRY_BYTES));
                int written = (int) Math.min(64, 300 - q) * ConsumeQueue.ENTRY_BYTES;
                assertThat(io.coversFromStart(file, written)).as("ConsumeQueue file %s forced by recovery", file)
                        .isTrue();
            }
        }
    }

    @Test
    void keysOfRecordsWrittenAfterTheLogLostItsTailAreIndexed() throws IOException {
        List<PutResult> before = new ArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();
            for (int i = 0; i < 30; i++) {
                before.add(store.putMessage(MessageRecord.builder("t", 0).keys("old-" + i)
                        .body(("o" + i + "-" + "p".repeat(700)).getBytes(StandardCharsets.UTF_8))
                        .storeHost(TestStores.STORE_HOST).bornHost(TestStores.BORN_HOST).build()).join());
            }
            await().until(() -> !store.queryByKey("t", "old-29", 1, 0, Long.MAX_VALUE).isEmpty());
            store.closeAbruptly();
        }
        // an OS crash lost the CommitLog's last 10 records, while the key index had already reached them
        long lostFrom = before.get(20).physicalOffset();
        writeAt(lostFrom, new byte[(int) (before.get(29).endOffset() - lostFrom)]);

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.ASYNC))) {
            store.start();
            assertThat(store.commitLogMaxOffset()).isEqualTo(lostFrom);
            assertThat(store.lastRecovery().cuts()).anySatisfy(cut -> {
                assertThat(cut.structure()).isEqualTo(RecoveryCut.INDEX);
                assertThat(cut.fromOffset()).isEqualTo(lostFrom);
            });
            for (int i = 0; i < 15; i++) {
                store.putMessage(MessageRecord.builder("t", 0).keys("new-" + i).body(("n" + i).getBytes(StandardCharsets.UTF_8))
                        .storeHost(TestStores.STORE_HOST).bornHost(TestStores.BORN_HOST).build()).join();
            }
            await().until(() -> store.dispatchedOffset() == store.commitLogMaxOffset());
            for (int i = 0; i < 15; i++) {
                assertThat(store.queryByKey("t", "new-" + i, 10, 0, Long.MAX_VALUE)).as("key new-%d", i).hasSize(1);
            }
            for (int i = 0; i < 20; i++) {
                assertThat(store.queryByKey("t", "old-" + i, 10, 0, Long.MAX_VALUE)).as("key old-%d", i).hasSize(1);
            }
        }
    }

    @Test
    void filesAfterAHoleInTheCommitLogDirectoryAreMovedAsideAndReported() throws IOException {
        List<PutResult> results = new ArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            for (int i = 0; i < 300; i++) {
                results.add(store.putMessage(message("t", 0, "m" + i + "-" + "p".repeat(700))).join());
            }
        }
        Path commitLogDir = dir.resolve("commitlog");
        assertThat(results.get(299).endOffset()).isGreaterThan(3L * TestStores.FILE_BYTES);
        Files.delete(commitLogDir.resolve(MappedFile.fileName(TestStores.FILE_BYTES)));

        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            long end = store.commitLogMaxOffset();
            assertThat(end).isLessThanOrEqualTo(TestStores.FILE_BYTES);
            assertThat(commitLogDir.resolve(MappedFile.fileName(2L * TestStores.FILE_BYTES))).doesNotExist();
            try (Stream<Path> files = Files.list(commitLogDir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith(MappedFile.fileName(2L * TestStores.FILE_BYTES) + ".after-hole-"));
            }
            assertThat(store.lastRecovery().cuts()).anySatisfy(cut -> {
                assertThat(cut.structure()).isEqualTo(RecoveryCut.COMMIT_LOG);
                assertThat(cut.fromOffset()).isEqualTo(2L * TestStores.FILE_BYTES);
                assertThat(cut.bytes()).isEqualTo(TestStores.FILE_BYTES);
            });
            // appends roll into new, empty files: never into the stale ones
            for (int i = 0; i < 150; i++) {
                store.putMessage(message("t", 0, "new" + i + "-" + "p".repeat(700))).join();
            }
        }
        try (DefaultMessageStore store = new DefaultMessageStore(config(FlushMode.SYNC))) {
            store.start();
            assertThat(store.lastRecovery().cuts()).isEmpty();
            assertThat(store.stats().corruptRecords()).isZero();
        }
    }

    @Test
    void checkpointRoundTripsAndADamagedOneIsIgnored() throws IOException {
        StoreCheckpoint written = new StoreCheckpoint(1, 2, 3, 4, 5, 6);
        written.store(dir);
        assertThat(StoreCheckpoint.load(dir)).isEqualTo(written);
        byte[] bytes = Files.readAllBytes(dir.resolve(StoreCheckpoint.FILE_NAME));
        bytes[10] ^= 1;
        Files.write(dir.resolve(StoreCheckpoint.FILE_NAME), bytes);
        assertThat(StoreCheckpoint.load(dir)).isEqualTo(StoreCheckpoint.NONE);
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
