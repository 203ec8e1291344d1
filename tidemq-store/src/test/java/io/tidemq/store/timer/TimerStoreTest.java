package io.tidemq.store.timer;

import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.timer.TimerCheckpoint;
import io.tidemq.store.api.timer.TimerLogRecord;
import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimerStoreTest {

    private static final long PRECISION_MS = 1_000;
    private static final long T0 = 1_700_000_000_000L;
    private static final long NO_CURSOR = Long.MIN_VALUE;

    @TempDir
    Path dir;

    private TimerStoreConfig config(int slotCount, int segmentEntries) {
        return new TimerStoreConfig(dir, PRECISION_MS, slotCount, segmentEntries * TimerLogRecord.BYTES);
    }

    private static List<Long> offsetsOfSlot(TimerStore store, long slotTimeMs) {
        List<Long> out = new ArrayList<>();
        for (long p = store.headOf(slotTimeMs); p >= 0; ) {
            TimerLogRecord r = store.read(p);
            out.add(r.commitLogOffset());
            p = r.prevPosition();
        }
        return out;
    }

    @Test
    void entriesOfOneSlotAreChainedNewestFirstAndOtherSlotsStaySeparate() {
        try (TimerStore store = DefaultTimerStore.open(config(64, 1024))) {
            store.append(T0 + 100, T0, 1, 10, 0, NO_CURSOR);
            store.append(T0 + 2_500, T0 + 2_000, 2, 20, 0, NO_CURSOR);
            store.append(T0 + 900, T0, 3, 30, TimerLogRecord.FLAG_ROLL, NO_CURSOR);

            assertThat(store.countOf(T0)).isEqualTo(2);
            assertThat(offsetsOfSlot(store, T0)).containsExactly(3L, 1L);
            assertThat(offsetsOfSlot(store, T0 + 2_000)).containsExactly(2L);
            assertThat(store.read(store.headOf(T0)).isRoll()).isTrue();
            assertThat(store.countOf(T0 + 1_000)).isZero();
            assertThat(store.headOf(T0 + 1_000)).isEqualTo(TimerLogRecord.NO_POSITION);
            assertThat(store.entriesFrom(T0 + 1_000)).isEqualTo(1);
        }
    }

    @Test
    void cleanCloseAndReopenKeepsEverySlotAndTheCheckpointFigures() {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        for (int i = 0; i < 10; i++) {
            store.append(T0 + i * 1_000L, T0 + i * 1_000L, i, 100, 0, NO_CURSOR);
        }
        store.close(10, T0 + 3_000, T0);

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024))) {
            TimerStore.Recovery r = reopened.recovery();
            assertThat(r.wasClean()).isTrue();
            assertThat(r.slotsRebuilt()).isFalse();
            assertThat(r.checkpoint().indexedQueueOffset()).isEqualTo(10);
            assertThat(r.checkpoint().deliveredCursorMs()).isEqualTo(T0 + 3_000);
            assertThat(r.pendingEntries()).isEqualTo(7);
            assertThat(offsetsOfSlot(reopened, T0 + 9_000)).containsExactly(9L);
        }
    }

    @Test
    void uncleanReopenCutsEntriesPastTheCheckpointAndRebuildsTheSlots() {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        store.append(T0, T0, 1, 100, 0, NO_CURSOR);
        store.append(T0 + 500, T0, 2, 100, 0, NO_CURSOR);
        store.checkpoint(2, T0, T0);
        store.append(T0 + 700, T0, 3, 100, 0, NO_CURSOR);
        store.append(T0 + 5_000, T0 + 5_000, 4, 100, 0, NO_CURSOR);
        store.closeAbruptly();

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024))) {
            TimerStore.Recovery r = reopened.recovery();
            assertThat(r.wasClean()).isFalse();
            assertThat(r.droppedEntries()).isEqualTo(2);
            assertThat(r.slotsRebuilt()).isTrue();
            assertThat(r.checkpoint().indexedQueueOffset()).isEqualTo(2);
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(2L, 1L);
            assertThat(reopened.countOf(T0 + 5_000)).isZero();
            assertThat(reopened.logWritePosition()).isEqualTo(2L * TimerLogRecord.BYTES);
            // the cut entries are re-appended by the caller from indexedQueueOffset
            reopened.append(T0 + 700, T0, 3, 100, 0, NO_CURSOR);
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(3L, 2L, 1L);
        }
    }

    @Test
    void aCopyOfTheDirectoryTakenWhileRunningOpensLikeACrash() throws IOException {
        Path live = dir.resolve("live");
        TimerStoreConfig liveConfig = new TimerStoreConfig(live, PRECISION_MS, 64, 1024 * TimerLogRecord.BYTES);
        Path copy = dir.resolve("copy");
        try (TimerStore store = DefaultTimerStore.open(liveConfig)) {
            store.append(T0, T0, 1, 100, 0, NO_CURSOR);
            store.checkpoint(1, T0, T0);
            store.append(T0, T0, 2, 100, 0, NO_CURSOR);
            copyTree(live, copy);
        }

        try (TimerStore reopened = DefaultTimerStore.open(new TimerStoreConfig(copy, PRECISION_MS, 64,
                1024 * TimerLogRecord.BYTES))) {
            assertThat(reopened.recovery().wasClean()).isFalse();
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(1L);
        }
    }

    @Test
    void slotsBeforeTheDeliveredCursorAreNotRebuilt() {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        store.append(T0, T0, 1, 100, 0, NO_CURSOR);
        store.append(T0 + 3_000, T0 + 3_000, 2, 100, 0, NO_CURSOR);
        store.checkpoint(2, T0 + 1_000, T0);
        store.closeAbruptly();

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024))) {
            assertThat(reopened.countOf(T0)).isZero();
            assertThat(reopened.countOf(T0 + 3_000)).isEqualTo(1);
            assertThat(reopened.recovery().pendingEntries()).isEqualTo(1);
        }
    }

    @Test
    void aRingPositionHeldByAnUndeliveredSlotIsRefusedUntilTheCursorPassesIt() {
        try (TimerStore store = DefaultTimerStore.open(config(16, 1024))) {
            long wrapped = T0 + 16 * PRECISION_MS; // same ring position as T0
            store.append(T0, T0, 1, 100, 0, NO_CURSOR);

            assertThat(store.append(wrapped, wrapped, 2, 100, 0, T0)).isEqualTo(TimerLogRecord.NO_POSITION);
            assertThat(store.countOf(T0)).isEqualTo(1);

            long position = store.append(wrapped, wrapped, 2, 100, 0, T0 + PRECISION_MS);
            assertThat(position).isNotNegative();
            assertThat(store.countOf(T0)).isZero();
            assertThat(offsetsOfSlot(store, wrapped)).containsExactly(2L);
        }
    }

    @Test
    void rebuildKeepsTheLaterSlotWhenTwoShareARingPosition() {
        TimerStore store = DefaultTimerStore.open(config(16, 1024));
        long wrapped = T0 + 16 * PRECISION_MS;
        store.append(T0, T0, 1, 100, 0, NO_CURSOR);
        store.append(wrapped, wrapped, 2, 100, 0, T0 + PRECISION_MS);
        store.checkpoint(2, T0, T0); // T0 delivered in memory, the durable cursor lags behind it
        store.closeAbruptly();

        try (TimerStore reopened = DefaultTimerStore.open(config(16, 1024))) {
            assertThat(offsetsOfSlot(reopened, wrapped)).containsExactly(2L);
        }
    }

    @Test
    void logSegmentsWhollyBeforeTheDurableCursorAreDeleted() {
        try (TimerStore store = DefaultTimerStore.open(config(64, 1024))) {
            for (int i = 0; i < 2_048; i++) {
                store.append(T0, T0, i, 100, 0, NO_CURSOR); // fills the first two segments
            }
            store.append(T0 + 5_000, T0 + 5_000, 9_999, 100, 0, NO_CURSOR);
            assertThat(store.logSegmentCount()).isEqualTo(3);

            store.checkpoint(2_049, T0 + 1_000, T0);

            assertThat(store.logSegmentCount()).isEqualTo(1);
            assertThat(offsetsOfSlot(store, T0 + 5_000)).containsExactly(9_999L);
            assertThat(store.read(0)).isNull();
        }
    }

    @Test
    void reopeningWithAnotherPrecisionWhileEntriesArePendingIsRefusedNamingTheKey() {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        store.append(T0, T0, 1, 100, 0, NO_CURSOR);
        store.close(1, T0, T0);

        assertThatThrownBy(() -> DefaultTimerStore.open(new TimerStoreConfig(dir, 500, 64, 1024 * TimerLogRecord.BYTES)))
                .isInstanceOf(StoreIOException.class)
                .hasMessageContaining("timerPrecisionMs=1000");
    }

    @Test
    void aRefusedPrecisionChangeLeavesTheFileSoTheOriginalPrecisionStillOpens() {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        store.append(T0, T0, 1, 100, 0, NO_CURSOR);
        store.close(1, T0, T0);
        TimerStoreConfig halfPrecision = new TimerStoreConfig(dir, 500, 64, 1024 * TimerLogRecord.BYTES);

        assertThatThrownBy(() -> DefaultTimerStore.open(halfPrecision)).hasMessageContaining("timerPrecisionMs=1000");
        assertThatThrownBy(() -> DefaultTimerStore.open(halfPrecision)).hasMessageContaining("timerPrecisionMs=1000");

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024))) {
            assertThat(reopened.recovery().slotsRebuilt()).isFalse();
            assertThat(reopened.countOf(T0)).isEqualTo(1);
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(1L);
        }
    }

    @Test
    void aBadEntryInTheMiddleOfTheLastSegmentIsSkippedAndLaterEntriesStay() throws IOException {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        for (int i = 0; i < 6; i++) {
            store.append(T0 + i, T0, i, 100, 0, NO_CURSOR);
        }
        store.close(6, T0, T0);
        flipLogByte(2L * TimerLogRecord.BYTES + 30);

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024))) {
            assertThat(reopened.logWritePosition()).isEqualTo(6L * TimerLogRecord.BYTES);
            assertThat(reopened.recovery().badEntries()).isEqualTo(1);
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(5L, 4L, 3L, 1L, 0L);
            long next = reopened.append(T0 + 9, T0, 6, 100, 0, NO_CURSOR);
            assertThat(next).isEqualTo(6L * TimerLogRecord.BYTES);
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(6L, 5L, 4L, 3L, 1L, 0L);
        }
    }

    @Test
    void aBadEntryInAnOlderSegmentDoesNotStopAppends() throws IOException {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        for (int i = 0; i < 1_100; i++) {
            store.append(T0 + 2_000, T0 + 2_000, i, 100, 0, NO_CURSOR);
        }
        store.close(1_100, T0, T0);
        flipLogByte(500L * TimerLogRecord.BYTES + 30);

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024))) {
            assertThat(reopened.logWritePosition()).isEqualTo(1_100L * TimerLogRecord.BYTES);
            assertThat(reopened.countOf(T0 + 2_000)).isEqualTo(1_099);
            assertThat(reopened.append(T0 + 3_000, T0 + 3_000, 7_777, 100, 0, NO_CURSOR))
                    .isEqualTo(1_100L * TimerLogRecord.BYTES);
            assertThat(offsetsOfSlot(reopened, T0 + 2_000)).hasSize(1_099).doesNotContain(500L);
        }
    }

    @Test
    void entriesPointingPastTheRecoveredCommitLogEndAreDroppedForGood() {
        TimerStore store = DefaultTimerStore.open(config(64, 1024));
        store.append(T0 + 1, T0, 100, 50, 0, NO_CURSOR);
        store.append(T0 + 2, T0, 200, 50, 0, NO_CURSOR);
        store.append(T0 + 3, T0, 300, 50, 0, NO_CURSOR); // its CommitLog record is lost with the tail
        store.checkpoint(3, T0, T0);
        store.closeAbruptly();

        try (TimerStore reopened = DefaultTimerStore.open(config(64, 1024), 300)) {
            assertThat(reopened.recovery().droppedPastCommitLogEnd()).isEqualTo(1);
            assertThat(offsetsOfSlot(reopened, T0)).containsExactly(200L, 100L);
            assertThat(reopened.countOf(T0)).isEqualTo(2);
            // another record lands at the same offset: only its own entry may name it
            reopened.append(T0 + 9, T0, 300, 50, 0, NO_CURSOR);
            reopened.checkpoint(4, T0, T0);
            reopened.closeAbruptly();
        }
        try (TimerStore again = DefaultTimerStore.open(config(64, 1024), 10_000)) {
            assertThat(again.recovery().slotsRebuilt()).isTrue();
            assertThat(again.recovery().droppedPastCommitLogEnd()).isZero();
            assertThat(offsetsOfSlot(again, T0)).containsExactly(300L, 200L, 100L);
            assertThat(again.read(again.headOf(T0)).deliverAtMs()).isEqualTo(T0 + 9);
        }
    }

    @Test
    void aLogSegmentWhoseCreationACrashInterruptedIsCompleted() throws IOException {
        Path segment = dir.resolve("timerlog").resolve(String.format("%020d", 0));
        Files.createDirectories(segment.getParent());
        Files.write(segment, new byte[24 * 1024]); // extended part way when power went

        try (TimerStore store = DefaultTimerStore.open(config(64, 1024))) {
            assertThat(store.append(T0, T0, 1, 100, 0, NO_CURSOR)).isZero();
            assertThat(Files.size(segment)).isEqualTo(1024L * TimerLogRecord.BYTES);
        }
    }

    @Test
    void aCorruptCheckpointFailsWithAdvice() throws IOException {
        DefaultTimerStore.open(config(64, 1024)).close(0, T0, T0);
        Path checkpoint = dir.resolve(TimerCheckpointFile.FILE_NAME);
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[20] ^= 1;
        Files.write(checkpoint, bytes);

        assertThatThrownBy(() -> DefaultTimerStore.open(config(64, 1024)))
                .isInstanceOf(StoreIOException.class)
                .hasMessageContaining("delete the timer directory");
    }

    @Test
    void aTornEntryFailsItsCrcAndReadsAsAbsent() {
        ByteBuffer buf = ByteBuffer.allocate(TimerLogRecord.BYTES * 2);
        TimerLogRecord record = new TimerLogRecord(T0, T0, 42, 100, 0, TimerLogRecord.NO_POSITION);
        record.writeTo(buf, TimerLogRecord.BYTES);
        assertThat(TimerLogRecord.readFrom(buf, TimerLogRecord.BYTES)).isEqualTo(record);

        buf.put(TimerLogRecord.BYTES + 30, (byte) 7);

        assertThat(TimerLogRecord.readFrom(buf, TimerLogRecord.BYTES)).isNull();
        assertThat(TimerLogRecord.readFrom(buf, 0)).isNull();
    }

    @Test
    void invalidSettingsNameTheKeyAndRange() {
        assertThatThrownBy(() -> new TimerStoreConfig(dir, 5, 64, TimerStoreConfig.DEFAULT_LOG_SEGMENT_BYTES))
                .hasMessageContaining("timerPrecisionMs must be in [10, 60000]");
        assertThatThrownBy(() -> new TimerStoreConfig(dir, 1_000, 64, TimerStoreConfig.MIN_LOG_SEGMENT_BYTES + 1))
                .hasMessageContaining("multiple of 48");
    }

    private void flipLogByte(long position) throws IOException {
        Path segment = dir.resolve("timerlog").resolve(String.format("%020d", 0));
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) position] ^= 0x10;
        Files.write(segment, bytes);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void theConfiguredSlotLimitIsTheLargestRingTheSlotFileCanMap() {
        assertThat(TimerStoreConfig.MAX_SLOT_COUNT).isEqualTo(TimerSlots.maxSlotCount());
    }
}
