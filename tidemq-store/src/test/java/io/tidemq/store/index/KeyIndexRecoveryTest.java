package io.tidemq.store.index;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * storage-audit #5 after an OS crash: the key index file being appended to may reach the disk only in part
 * (found by the power-loss simulator). No checkpoint runs during these tests, so what the index holds is decided
 * by the test.
 */
class KeyIndexRecoveryTest {

    private static final int SLOTS = 64;

    @TempDir
    Path dir;

    private StoreConfig config() {
        return smallConfig(dir).flushMode(FlushMode.ASYNC).flushConsumeQueueIntervalMs(60_000).build();
    }

    private static MessageRecord keyed(String key) {
        return MessageRecord.builder("t", 0).body(("body-" + key).getBytes()).keys(key)
                .storeHost(TestStores.STORE_HOST).bornHost(TestStores.BORN_HOST).build();
    }

    private void putAndCrash(DefaultMessageStore store, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            store.putMessage(keyed(prefix + i)).join();
        }
        await().until(() -> store.dispatchedOffset() == store.commitLogMaxOffset());
        store.closeAbruptly();
    }

    private Path onlyIndexFile() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("index"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static void assertFound(DefaultMessageStore store, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(store.queryByKey("t", prefix + i, 8, 0, Long.MAX_VALUE)).as("key %s%d", prefix, i).hasSize(1);
        }
    }

    @Test
    void withoutACheckpointAnIndexFileWhoseEntriesNeverReachedTheDiskIsRebuilt() throws IOException {
        DefaultMessageStore store = new DefaultMessageStore(config());
        store.start();
        putAndCrash(store, "k", 20);
        // the power loss kept the file as created: the header forced at creation, no entry, no slot
        try (FileChannel index = FileChannel.open(onlyIndexFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(IndexFileLayout.HEADER_LENGTH);
            index.read(header, 0);
            header.putLong(IndexFileLayout.END_TIMESTAMP_OFFSET, header.getLong(IndexFileLayout.BEGIN_TIMESTAMP_OFFSET));
            header.putLong(IndexFileLayout.END_PHYSICAL_OFFSET_OFFSET,
                    header.getLong(IndexFileLayout.BEGIN_PHYSICAL_OFFSET_OFFSET));
            header.putInt(IndexFileLayout.USED_SLOT_COUNT_OFFSET, 0).putInt(IndexFileLayout.ENTRY_COUNT_OFFSET, 0);
            index.write(header.flip(), 0);
            index.write(ByteBuffer.allocate((int) (index.size() - IndexFileLayout.HEADER_LENGTH)),
                    IndexFileLayout.HEADER_LENGTH);
        }

        try (DefaultMessageStore restarted = new DefaultMessageStore(config())) {
            restarted.start();
            assertFound(restarted, "k", 20);
        }
    }

    @Test
    void entriesLostAfterTheCheckpointWhileTheirSlotsReachedTheDiskDoNotHideOlderKeys() throws IOException {
        try (DefaultMessageStore store = new DefaultMessageStore(config())) {
            store.start();
            for (int i = 0; i < 40; i++) {
                store.putMessage(keyed("old" + i)).join();
            }
        } // clean close: the checkpoint covers every old key
        int oldEntries;
        try (FileChannel index = FileChannel.open(onlyIndexFile(), StandardOpenOption.READ)) {
            ByteBuffer count = ByteBuffer.allocate(4);
            index.read(count, IndexFileLayout.ENTRY_COUNT_OFFSET);
            oldEntries = count.getInt(0);
        }
        DefaultMessageStore store = new DefaultMessageStore(config());
        store.start();
        putAndCrash(store, "new", 40);
        // the page with the header and slots reached the disk, the new entries did not
        try (FileChannel index = FileChannel.open(onlyIndexFile(), StandardOpenOption.WRITE)) {
            int from = IndexFileLayout.entryPosition(SLOTS, oldEntries + 1);
            index.write(ByteBuffer.allocate(40 * IndexFileLayout.ENTRY_LENGTH * 2), from);
        }

        try (DefaultMessageStore restarted = new DefaultMessageStore(config())) {
            restarted.start();
            assertFound(restarted, "old", 40);
            assertFound(restarted, "new", 40);
        }
    }

    @Test
    void afterACrashTheIndexFilesKeptAreForcedBeforeACheckpointCallsThemDurable() throws IOException {
        try (DefaultMessageStore store = new DefaultMessageStore(config())) {
            store.start();
            store.putMessage(keyed("first")).join();
        } // clean close: a checkpoint
        DefaultMessageStore store = new DefaultMessageStore(config());
        store.start();
        putAndCrash(store, "k", 20);
        Path indexFile = onlyIndexFile();
        java.util.Set<Path> forced = java.util.concurrent.ConcurrentHashMap.newKeySet();
        io.tidemq.store.file.DurabilityListener previous = io.tidemq.store.file.Durability.install(
                new io.tidemq.store.file.DurabilityListener() {
                    @Override
                    public void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition) {
                        forced.add(file);
                    }

                    @Override
                    public void fileForced(Path file) {
                        forced.add(file);
                    }

                    @Override
                    public void namespaceChanged(Path path) {
                    }
                });
        try (DefaultMessageStore restarted = new DefaultMessageStore(config())) {
            restarted.start();
            // the killed process wrote the entries but never forced them; the restarted one trusts them
            assertThat(Files.exists(indexFile)).isTrue();
            assertThat(forced).contains(indexFile);
            assertFound(restarted, "k", 20);
        } finally {
            io.tidemq.store.file.Durability.install(previous);
        }
    }

    @Test
    void anIndexFileShorterThanItsHeaderIsDeletedReportedAndRebuiltFromTheCommitLog() throws IOException {
        StoreConfig config = smallConfig(dir).indexMaxEntriesPerFile(8).build();
        try (DefaultMessageStore store = new DefaultMessageStore(config)) {
            store.start();
            for (int i = 0; i < 20; i++) {
                store.putMessage(keyed("k" + i)).join();
            }
        }
        Path newest;
        try (Stream<Path> files = Files.list(dir.resolve("index"))) {
            List<Path> all = files.sorted().toList();
            assertThat(all).hasSize(3);
            newest = all.get(2);
        }
        // a crash while the newest file's zeros were being written: 30 bytes, less than the 56-byte header
        try (FileChannel index = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            index.truncate(30);
        }

        try (DefaultMessageStore store = new DefaultMessageStore(config)) {
            store.start();
            assertThat(store.lastRecovery().cuts()).anySatisfy(cut -> {
                assertThat(cut.structure()).isEqualTo("index");
                assertThat(cut.bytes()).isEqualTo(30);
                assertThat(cut.reason()).contains(newest.getFileName().toString());
            });
            await().until(() -> store.dispatchedOffset() == store.commitLogMaxOffset());
            assertFound(store, "k", 20);
        }
    }
}
