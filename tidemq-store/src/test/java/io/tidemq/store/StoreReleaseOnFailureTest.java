package io.tidemq.store;

import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.commitlog.DispatchRequest;
import io.tidemq.store.dispatch.CommitLogDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * storage-audit #16 (minor): a failed {@code start()} or {@code close()} releases everything it took (threads,
 * mappings, the directory lock), so the same directory opens again in the same JVM.
 */
class StoreReleaseOnFailureTest {

    @TempDir
    Path dir;

    @Test
    void aStartThatFailsOnACorruptIndexFileReleasesTheMappingsAndTheLock() throws IOException {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux /proc"); // (not AssertJ's assumeThat:
        // its proxy class takes seconds to generate on a loaded machine)
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 200; i++) {
                store.putMessage(keyed("t", i % 2, "k" + i)).join();
            }
        }
        Path indexFile;
        try (Stream<Path> files = Files.list(dir.resolve("index"))) {
            indexFile = files.sorted().findFirst().orElseThrow();
        }
        writeInt(indexFile, 4, 99); // an unsupported version: IndexFileCorruptedException, after the CommitLog and
                                    // ConsumeQueues are mapped
        Set<Long> threadsBefore = tidemqThreads();

        DefaultMessageStore failing = new DefaultMessageStore(smallConfig(dir).build());
        assertThatThrownBy(failing::start).hasMessageContaining("unsupported version");

        assertThat(mappingsUnder(dir)).as("files of the store still mapped").isEmpty();
        assertThat(tidemqThreads()).as("threads left running").isSubsetOf(threadsBefore);
        failing.close(); // harmless

        writeInt(indexFile, 4, 1);
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start(); // the lock was released
            assertThat(store.maxQueueOffset("t", 0)).isEqualTo(100);
        }
    }

    @Test
    void aCloseWhoseFinalDispatchFailsStillReleasesThreadsMappingsAndTheLock() {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux /proc"); // (not AssertJ's assumeThat:
        // its proxy class takes seconds to generate on a loaded machine)
        Set<Long> threadsBefore = tidemqThreads();
        AtomicBoolean fail = new AtomicBoolean();
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build());
        store.addDispatcher(new CommitLogDispatcher() {
            @Override
            public void dispatch(DispatchRequest request) {
                if (fail.get()) {
                    throw new IllegalStateException("broker hook failed");
                }
            }
        });
        store.start();
        for (int i = 0; i < 20; i++) {
            store.putMessage(message("t", 0, 100)).join();
        }
        fail.set(true);
        store.putMessage(message("t", 0, 100)).join();

        assertThatThrownBy(store::close).hasMessageContaining("broker hook failed");

        assertThat(mappingsUnder(dir)).as("files of the store still mapped").isEmpty();
        assertThat(tidemqThreads()).as("threads left running").isSubsetOf(threadsBefore);
        assertThat(dir.resolve("abort")).as("not marked as a clean shutdown").exists();
        try (DefaultMessageStore again = new DefaultMessageStore(smallConfig(dir).build())) {
            again.start(); // the lock was released; the unclean close is recovered as after a crash
            assertThat(again.maxQueueOffset("t", 0)).isEqualTo(21);
        }
    }

    static MessageRecord keyed(String topic, int queueId, String key) {
        return MessageRecord.builder(topic, queueId).keys(key).body(new byte[500]).storeHost(TestStores.STORE_HOST)
                .bornHost(TestStores.BORN_HOST).build();
    }

    private static void writeInt(Path file, long position, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, value), position);
        }
    }

    private static List<String> mappingsUnder(Path dir) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains(dir.toString())).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<Long> tidemqThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("tidemq-"))
                .map(Thread::getId)
                .collect(Collectors.toSet());
    }
}
