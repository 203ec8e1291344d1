package io.tidemq.store;

import io.tidemq.common.message.MessageId;
import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.file.Durability;
import io.tidemq.store.file.DurabilityListener;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.recovery.StoreDirectoryGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Minor findings of the storage audit (#16): start, close, crash simulation and read bounds. */
class StoreLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void theAbortMarkerIsFsyncedWithItsDirectory() {
        Set<Path> forced = ConcurrentHashMap.newKeySet();
        DurabilityListener previous = Durability.install(new DurabilityListener() {
            @Override
            public void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition) {
            }

            @Override
            public void fileForced(Path file) {
                forced.add(file);
            }

            @Override
            public void namespaceChanged(Path path) {
            }
        });
        try (StoreDirectoryGuard guard = StoreDirectoryGuard.acquire(dir)) {
            assertThat(guard.previousRunAborted()).isFalse();
            assertThat(forced).contains(dir.resolve(StoreDirectoryGuard.ABORT_FILE), dir);
        } finally {
            Durability.install(previous);
        }
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aMappedFileKeepsNoFileDescriptorOpen() throws IOException {
        assumeThat(Path.of("/proc/self/fd")).isDirectory();
        long before = openFileDescriptors();
        List<MappedFile> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            files.add(MappedFile.open(dir.resolve(MappedFile.fileName(i * 4096L)), 4096));
        }
        try {
            assertThat(openFileDescriptors() - before).isLessThan(5);
        } finally {
            files.forEach(MappedFile::destroy);
        }
    }

    @Test
    void afterARestartTheQueueMinimumSkipsEntriesWhoseRecordsAreGone() throws IOException {
        List<PutResult> results = new ArrayList<>();
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 250; i++) {
                results.add(store.putMessage(message("t", 0, 700)).join());
            }
        }
        // the oldest CommitLog file is gone (retention in the last moments of the previous run)
        Files.delete(dir.resolve("commitlog").resolve(MappedFile.fileName(0)));
        long firstKept = results.stream().filter(r -> r.physicalOffset() >= TestStores.FILE_BYTES).findFirst()
                .orElseThrow().queueOffset();

        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            assertThat(store.minQueueOffset("t", 0)).isEqualTo(firstKept);
            GetResult get = store.getMessages("t", 0, 0, 10, Long.MAX_VALUE, null);
            assertThat(get.status()).isEqualTo(GetStatus.OFFSET_TOO_SMALL);
            assertThat(get.nextBeginOffset()).isEqualTo(firstKept);
        }
    }

    /** Forces block while {@link #hold} is set, until released. */
    private static final class BlockingForceIo implements FileIo {
        final AtomicBoolean hold = new AtomicBoolean();
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger forces = new AtomicInteger();

        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            FileIo.DEFAULT.allocate(path, channel, sizeBytes);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            if (hold.get()) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            forces.incrementAndGet();
            FileIo.DEFAULT.force(path, mapped, position, length);
        }
    }

    @Test
    void inSyncModeARecordIsNotReadableByIdBeforeItIsDurable() {
        BlockingForceIo io = new BlockingForceIo();
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC)
                .syncFlushTimeoutMs(60_000).fileIo(io).build())) {
            store.start();
            io.hold.set(true);
            CompletableFuture<PutResult> put = store.putMessage(message("t", 0, "not yet durable"));
            String id = MessageId.encode(TestStores.STORE_HOST, 0);
            try {
                await().until(() -> store.commitLogMaxOffset() > 0);
                assertThatThrownBy(() -> store.lookByMessageId(id)).isInstanceOf(OffsetOutOfRangeException.class);
                assertThatThrownBy(() -> store.readByPhysicalOffset(0)).isInstanceOf(OffsetOutOfRangeException.class);
            } finally {
                io.hold.set(false);
                io.release.countDown();
            }
            PutResult result = put.join();
            assertThat(result.msgId()).isEqualTo(id);
            assertThat(TestStores.bodyText(store.lookByMessageId(id))).isEqualTo("not yet durable");
        }
    }

    @Test
    void closeAbruptlyDoesNotFlush() {
        BlockingForceIo io = new BlockingForceIo();
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushIntervalMs(60_000)
                .flushThoroughIntervalMs(60_000).flushConsumeQueueIntervalMs(60_000).fileIo(io).build());
        store.start();
        int forcesAtStart = io.forces.get();
        for (int i = 0; i < 10; i++) {
            store.putMessage(message("t", 0, "m" + i)).join();
        }
        await().until(() -> store.maxQueueOffset("t", 0) == 10);
        store.closeAbruptly();
        assertThat(io.forces.get()).as("forces after start").isEqualTo(forcesAtStart);
        assertThat(dir.resolve(StoreDirectoryGuard.ABORT_FILE)).exists();
    }
}
