package io.tidemq.store.fault;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreWriteState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static io.tidemq.store.TestStores.bodyText;
import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** storage-audit #2: a full disk is an error that clears by itself, never a crash or a lost acknowledged put. */
class DiskFullTest {

    private static final long RESERVE_BYTES = 10L << 20;

    @TempDir
    Path dir;

    private static Throwable failureOf(CompletableFuture<PutResult> put) {
        assertThatThrownBy(put::join).isInstanceOf(CompletionException.class);
        return put.handle((r, t) -> t instanceof CompletionException ? t.getCause() : t).join();
    }

    @Test
    void belowTheReservePutsFailAtOnceReadsContinueAndPutsResumeWhenSpaceIsBack() {
        FaultyFileIo io = new FaultyFileIo(dir);
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC)
                .diskReserveBytes(RESERVE_BYTES).fileIo(io).build());
        store.start();
        try {
            PutResult before = store.putMessage(message("t", 0, "before")).join();

            io.reportUsableBytes(RESERVE_BYTES - 1);
            await().until(() -> store.writeState() == StoreWriteState.DISK_FULL);
            Throwable refused = failureOf(store.putMessage(message("t", 0, "refused")));
            assertThat(refused).isInstanceOf(DiskFullException.class)
                    .hasMessageContaining("diskReserveBytes=" + RESERVE_BYTES + ")").hasMessageContaining("free");
            assertThat(failureOf(store.putMessages(List.of(message("t", 0, "batch")))))
                    .isInstanceOf(DiskFullException.class);
            assertThat(store.writeRefusal()).contains("disk is full");
            GetResult read = store.getMessages("t", 0, 0, 10, 1 << 20, code -> true);
            assertThat(read.messages()).extracting(TestStores::bodyText).containsExactly("before");
            assertThat(store.maxQueueOffset("t", 0)).isEqualTo(1);

            io.reportUsableBytes(-1);
            await().until(() -> store.writeState() == StoreWriteState.WRITABLE);
            PutResult after = store.putMessage(message("t", 0, "after")).join();
            assertThat(after.queueOffset()).isEqualTo(before.queueOffset() + 1);
            assertThat(store.writeRefusal()).isNull();
        } finally {
            store.close();
        }
    }

    @Test
    void aConsumeQueueChunkWithoutRoomRefusesPutsUntilThereIsRoomAndTheRecordIsIndexedThen() {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("consumequeue"));
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC)
                .diskReserveBytes(0).fileIo(io).build());
        store.start();
        try {
            store.putMessage(message("t", 0, "before")).join();
            await().until(() -> store.maxQueueOffset("t", 0) == 1);

            // no byte free, and no reserve: the free-space check alone accepts puts, only the failed chunk refuses them
            io.reportUsableBytes(0);
            io.failNextAllocations(Integer.MAX_VALUE);
            store.putMessage(message("fresh", 0, "needs a chunk")).join();
            await().until(() -> store.writeState() == StoreWriteState.DISK_FULL);
            // the failed chunk's own message, or the free-space check's once it re-read the disk: it now needs a chunk
            int chunk = 64 * 20; // smallConfig's ConsumeQueue file (64 entries) is smaller than a chunk
            assertThat(store.writeRefusal()).matches(refusal -> refusal.contains("No space left")
                    && refusal.contains("consumequeue") || refusal.contains("below the " + chunk + " needed"));
            assertThat(failureOf(store.putMessage(message("t", 0, "refused")))).isInstanceOf(DiskFullException.class)
                    .hasMessageContaining("disk");
            assertThat(store.maxQueueOffset("fresh", 0)).as("not indexed while the disk is full").isZero();
            assertThat(store.getMessages("t", 0, 0, 10, 1 << 20, code -> true).messages())
                    .extracting(TestStores::bodyText).containsExactly("before");

            io.failNextAllocations(0);
            io.reportUsableBytes(-1);
            await().until(() -> store.writeState() == StoreWriteState.WRITABLE);
            await().until(() -> store.maxQueueOffset("fresh", 0) == 1);
            assertThat(store.getMessages("fresh", 0, 0, 10, 1 << 20, code -> true).messages())
                    .extracting(TestStores::bodyText).containsExactly("needs a chunk");
            store.putMessage(message("t", 0, "after")).join();
        } finally {
            io.failNextAllocations(0);
            store.close();
        }
    }

    @Test
    void aFileThatCannotBeAllocatedFailsThePutCleanlyAndLeavesNoPartialFile() throws Exception {
        FaultyFileIo io = new FaultyFileIo(dir.resolve("commitlog"));
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC)
                .preallocateNextFile(false).diskReserveBytes(0).fileIo(io).build());
        store.start();
        List<PutResult> acknowledged = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        try {
            for (int i = 0; store.commitLogMaxOffset() < TestStores.FILE_BYTES - 2_000; i++) {
                String body = "m" + i + "-" + "x".repeat(1_000);
                acknowledged.add(store.putMessage(message("t", 0, body)).join());
                bodies.add(body);
            }
            io.failNextAllocations(Integer.MAX_VALUE);
            Throwable refused = null;
            for (int i = 0; i < 5 && refused == null; i++) {
                CompletableFuture<PutResult> put = store.putMessage(message("t", 0, "r" + i + "x".repeat(1_000)));
                if (put.isCompletedExceptionally()) {
                    refused = failureOf(put);
                } else {
                    acknowledged.add(put.join());
                    bodies.add(bodyText(store.readByPhysicalOffset(put.join().physicalOffset())));
                }
            }
            assertThat(refused).isInstanceOf(DiskFullException.class).hasMessageContaining("No space left");
            try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
                assertThat(files).as("the file that could not be allocated is gone").hasSize(1);
            }

            io.failNextAllocations(0); // with no reserve, the next check finds room and the next put rolls
            await().until(() -> store.writeState() == StoreWriteState.WRITABLE);
            PutResult next = store.putMessage(message("t", 0, "after")).join();
            acknowledged.add(next);
            bodies.add("after");
            assertThat(next.physicalOffset()).isEqualTo(TestStores.FILE_BYTES);
        } finally {
            store.close();
        }
        DefaultMessageStore reopened = new DefaultMessageStore(smallConfig(dir).flushMode(FlushMode.SYNC).build());
        reopened.start();
        try {
            for (int i = 0; i < acknowledged.size(); i++) {
                assertThat(bodyText(reopened.readByPhysicalOffset(acknowledged.get(i).physicalOffset())))
                        .isEqualTo(bodies.get(i));
            }
        } finally {
            reopened.close();
        }
    }
}
