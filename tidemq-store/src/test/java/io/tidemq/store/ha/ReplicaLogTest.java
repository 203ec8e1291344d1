package io.tidemq.store.ha;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.commitlog.ReplicaOffsetMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ReplicaLogTest {

    @TempDir
    Path masterDir;
    @TempDir
    Path slaveDir;

    @Test
    void rawCopiesMakeByteEqualLogsAndTheSlaveBuildsItsOwnQueues() throws IOException {
        try (DefaultMessageStore master = new DefaultMessageStore(smallConfig(masterDir).build());
             DefaultMessageStore slave = new DefaultMessageStore(smallConfig(slaveDir).build())) {
            master.start();
            slave.start();
            master.replicaLog().beginMasterEpoch(1);
            writeMixedWorkload(master, "m", 150);

            replicate(master.replicaLog(), slave.replicaLog(), 3000);

            assertThat(master.commitLogMaxOffset()).isGreaterThan(2L * TestStores.FILE_BYTES);
            assertThat(slave.commitLogMaxOffset()).isEqualTo(master.commitLogMaxOffset());
            assertSameCommitLogFiles(masterDir, slaveDir, master.commitLogMaxOffset());
            assertThat(slave.replicaLog().epochs().entries()).containsExactly(new EpochEntry(1, 0));
            await().until(() -> slave.maxQueueOffset("orders", 1) == master.maxQueueOffset("orders", 1)
                    && slave.maxQueueOffset("audit", 0) == master.maxQueueOffset("audit", 0));
            GetResult get = slave.getMessages("orders", 1, 0, 500, Long.MAX_VALUE, null);
            assertThat(get.messages()).hasSize((int) master.maxQueueOffset("orders", 1));
            assertThat(slave.queryByKey("audit", "key-m-7", 10, 0, Long.MAX_VALUE)).hasSize(1);
        }
    }

    @Test
    void aBatchNeverCrossesAnEpochBoundary() {
        try (DefaultMessageStore master = new DefaultMessageStore(smallConfig(masterDir).build())) {
            master.start();
            ReplicaLog log = master.replicaLog();
            log.beginMasterEpoch(1);
            master.putMessage(message("t", 0, "a")).join();
            long epoch2Start = master.commitLogMaxOffset();
            log.beginMasterEpoch(2);
            master.putMessage(message("t", 0, "b")).join();

            byte[] first = log.readRaw(0, 1 << 20, master.commitLogMaxOffset());
            assertThat(first).hasSize((int) epoch2Start);
            assertThat(log.epochAt(0)).isEqualTo(new EpochEntry(1, 0));
            assertThat(log.epochAt(epoch2Start)).isEqualTo(new EpochEntry(2, epoch2Start));
            assertThat(log.readRaw(epoch2Start, 1 << 20, master.commitLogMaxOffset()))
                    .hasSize((int) (master.commitLogMaxOffset() - epoch2Start));
        }
    }

    @Test
    void aDamagedRecordIsRefusedAndNothingOfItsBatchBecomesVisible() {
        try (DefaultMessageStore master = new DefaultMessageStore(smallConfig(masterDir).build());
             DefaultMessageStore slave = new DefaultMessageStore(smallConfig(slaveDir).build())) {
            master.start();
            slave.start();
            master.replicaLog().beginMasterEpoch(1);
            for (int i = 0; i < 3; i++) {
                master.putMessage(message("t", 0, "body-" + i)).join();
            }
            byte[] batch = master.replicaLog().readRaw(0, 1 << 20, master.commitLogMaxOffset());
            batch[batch.length - 3] ^= 0x40; // inside the last record

            assertThatThrownBy(() -> slave.replicaLog().appendRaw(0, ByteBuffer.wrap(batch), new EpochEntry(1, 0)))
                    .isInstanceOf(CorruptRecordException.class).hasMessageContaining("CRC32C");
            assertThat(slave.commitLogMaxOffset()).isZero();
            assertThatThrownBy(() -> slave.replicaLog().appendRaw(100, ByteBuffer.wrap(batch), new EpochEntry(1, 0)))
                    .isInstanceOf(ReplicaOffsetMismatchException.class);

            batch[batch.length - 3] ^= 0x40;
            assertThat(slave.replicaLog().appendRaw(0, ByteBuffer.wrap(batch), new EpochEntry(1, 0)))
                    .isEqualTo(master.commitLogMaxOffset());
        }
    }

    /**
     * The design's worked example: old master A wrote a tail in epoch 1 that never reached B; B became master of
     * epoch 2 and wrote more. A rejoins: it truncates at B's epoch start, drops the queue entries, queue offsets
     * and key index entries of its tail, then copies B's log and ends byte-equal to it.
     */
    @Test
    void anOldMasterTruncatesItsDivergentTailAndRebuildsWhatDerivesFromIt() throws IOException {
        try (DefaultMessageStore a = new DefaultMessageStore(smallConfig(masterDir).build());
             DefaultMessageStore b = new DefaultMessageStore(smallConfig(slaveDir).build())) {
            a.start();
            b.start();
            a.replicaLog().beginMasterEpoch(1);
            writeMixedWorkload(a, "common", 40);
            replicate(a.replicaLog(), b.replicaLog(), 2000);
            long common = a.commitLogMaxOffset();
            writeMixedWorkload(a, "lost", 60); // never replicated
            await().until(() -> a.dispatchedOffset() == a.commitLogMaxOffset());
            long ordersOnA = a.maxQueueOffset("orders", 1);

            b.replicaLog().resumeQueueOffsets(); // as a slave becoming master does: its appends follow the copied ones
            b.replicaLog().beginMasterEpoch(2);
            writeMixedWorkload(b, "new", 30);

            ReplicaLog rejoining = a.replicaLog();
            long point = ConsistentPoint.find(rejoining.epochs().entries(), rejoining.maxOffset(),
                    b.replicaLog().epochs().entries(), b.replicaLog().maxOffset());
            assertThat(point).isEqualTo(common);
            long cut = rejoining.truncate(point);

            assertThat(cut).isGreaterThan(0);
            assertThat(a.commitLogMaxOffset()).isEqualTo(common);
            assertThat(a.maxQueueOffset("orders", 1)).isLessThan(ordersOnA);
            assertThat(a.queryByKey("audit", "key-lost-3", 10, 0, Long.MAX_VALUE)).isEmpty();
            assertThat(rejoining.epochs().entries()).containsExactly(new EpochEntry(1, 0));

            replicate(b.replicaLog(), rejoining, 2000);
            assertSameCommitLogFiles(slaveDir, masterDir, b.commitLogMaxOffset());
            // both stores dispatch asynchronously: compare what derives from the log once each dispatched all of it
            await().until(() -> a.dispatchedOffset() == a.commitLogMaxOffset()
                    && b.dispatchedOffset() == b.commitLogMaxOffset());
            assertThat(a.maxQueueOffset("orders", 1)).isEqualTo(b.maxQueueOffset("orders", 1)).isEqualTo(70);
            assertThat(rejoining.epochs().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, common));
            assertThat(a.queryByKey("audit", "key-new-3", 10, 0, Long.MAX_VALUE)).hasSize(1);
            // one message per queue offset: the queue offsets of the cut tail are reused by the new master's messages
            GetResult orders = a.getMessages("orders", 1, 0, 1000, Long.MAX_VALUE, null);
            assertThat(orders.messages()).extracting(m -> TestStores.bodyText(m).split("-")[0])
                    .doesNotContain("lost");
        }
    }

    /** Singles, a batch and records of several queues; sizes chosen so files roll with blank markers. */
    static void writeMixedWorkload(DefaultMessageStore store, String tag, int count) {
        for (int i = 0; i < count; i++) {
            store.putMessage(message("orders", 1, tag + "-" + i + "-" + "x".repeat(300 + (i * 37) % 900))).join();
            MessageRecord keyed = MessageRecord.builder("audit", 0).body((tag + "-audit-" + i).getBytes())
                    .keys("key-" + tag + "-" + i).storeHost(TestStores.STORE_HOST).bornHost(TestStores.BORN_HOST)
                    .build();
            store.putMessage(keyed).join();
            if (i % 10 == 0) {
                List<MessageRecord> batch = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                    batch.add(message("batch", 2, tag + "-batch-" + i + "-" + j));
                }
                store.putMessages(batch).join();
            }
        }
    }

    /** Copies from one replica log to another the way the slave's fetch loop does, batch by batch. */
    static void replicate(ReplicaLog from, ReplicaLog to, int maxBytes) {
        long offset = to.maxOffset();
        while (offset < from.maxOffset()) {
            byte[] batch = from.readRaw(offset, maxBytes, from.maxOffset());
            assertThat(batch).as("batch at %d", offset).isNotEmpty();
            offset = to.appendRaw(offset, ByteBuffer.wrap(batch), from.epochAt(offset));
        }
    }

    /** The files holding data (not one the allocator made ahead of need) are equal byte for byte. */
    static void assertSameCommitLogFiles(Path leftStore, Path rightStore, long end) throws IOException {
        List<Path> left = commitLogFiles(leftStore, end);
        List<Path> right = commitLogFiles(rightStore, end);
        assertThat(right.stream().map(Path::getFileName).map(Path::toString).toList())
                .isEqualTo(left.stream().map(Path::getFileName).map(Path::toString).toList());
        for (int i = 0; i < left.size(); i++) {
            assertThat(Files.readAllBytes(right.get(i))).as("file %s", right.get(i).getFileName())
                    .isEqualTo(Files.readAllBytes(left.get(i)));
        }
    }

    private static List<Path> commitLogFiles(Path store, long end) throws IOException {
        try (Stream<Path> files = Files.list(store.resolve("commitlog"))) {
            return files.filter(f -> Long.parseLong(f.getFileName().toString()) < end).sorted().toList();
        }
    }
}
