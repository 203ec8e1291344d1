package io.tidemq.store.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemq.store.commitlog.DispatchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexServiceTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long ALL_TIME_END = Long.MAX_VALUE;

    @TempDir
    Path dir;

    static DispatchRequest record(String topic, long offset, long storeTimestampMs, String keys, String uniqueKey) {
        return new DispatchRequest(topic, 0, offset, 100, 0, storeTimestampMs, offset / 100, keys, uniqueKey, 0);
    }

    private IndexService open(int hashSlots, int maxEntriesPerFile) {
        IndexService service = new IndexService(dir, hashSlots, maxEntriesPerFile);
        service.load();
        return service;
    }

    @Test
    void findsRecordsByEachBusinessKeyAndByUniqueKey() {
        try (IndexService index = open(64, 100)) {
            index.dispatch(record("orders", 0, T0, "order-1 customer-7", "U1"));
            index.dispatch(record("orders", 100, T0 + 1, "order-2  customer-7 ", null));
            index.dispatch(record("payments", 200, T0 + 2, "order-1", "U3"));

            assertThat(index.queryPhysicalOffsets("orders", "order-1", 10, 0, ALL_TIME_END)).containsExactly(0L);
            assertThat(index.queryPhysicalOffsets("orders", "customer-7", 10, 0, ALL_TIME_END)).containsExactly(100L, 0L);
            assertThat(index.queryPhysicalOffsets("orders", "U1", 10, 0, ALL_TIME_END)).containsExactly(0L);
            assertThat(index.queryPhysicalOffsets("payments", "order-1", 10, 0, ALL_TIME_END)).containsExactly(200L);
            assertThat(index.queryPhysicalOffsets("payments", "U3", 10, 0, ALL_TIME_END)).containsExactly(200L);
            assertThat(index.queryPhysicalOffsets("orders", "nobody", 10, 0, ALL_TIME_END)).isEmpty();
            assertThat(index.maxIndexedCommitLogOffset()).isEqualTo(200L);
        }
    }

    @Test
    void recordsWithoutKeysAreSkippedAndLeaveTheIndexEmpty() {
        try (IndexService index = open(64, 100)) {
            index.dispatch(record("orders", 0, T0, null, null));
            index.dispatch(record("orders", 100, T0, "   ", ""));

            assertThat(index.maxIndexedCommitLogOffset()).isEqualTo(-1L);
            assertThat(index.fileCount()).isZero();
        }
    }

    @Test
    void aKeyRepeatedWithinOneRecordIsReturnedOnce() {
        try (IndexService index = open(64, 100)) {
            index.dispatch(record("orders", 0, T0, "k k", "k"));

            assertThat(index.queryPhysicalOffsets("orders", "k", 10, 0, ALL_TIME_END)).containsExactly(0L);
        }
    }

    @Test
    void manyKeysSharingFewSlotsAreEachFoundAmongTheCandidates() {
        try (IndexService index = open(3, 10_000)) {
            for (int i = 0; i < 600; i++) {
                index.dispatch(record("t", i * 100L, T0 + i, "key-" + (i % 200), null));
            }
            for (int k = 0; k < 200; k++) {
                List<Long> offsets = index.queryPhysicalOffsets("t", "key-" + k, 100, 0, ALL_TIME_END);
                assertThat(offsets).containsExactly((k + 400) * 100L, (k + 200) * 100L, k * 100L);
            }
        }
    }

    @Test
    void keysWithEqualHashCodesAreBothReturnedSoCallersMustVerify() {
        assertThat(("t#Aa").hashCode()).isEqualTo(("t#BB").hashCode());
        try (IndexService index = open(64, 100)) {
            index.dispatch(record("t", 0, T0, "Aa", null));
            index.dispatch(record("t", 100, T0, "BB", null));

            assertThat(index.queryPhysicalOffsets("t", "Aa", 10, 0, ALL_TIME_END)).containsExactly(100L, 0L);
        }
    }

    @Test
    void chainsContinueAcrossFilesNewestFirst() throws IOException {
        try (IndexService index = open(8, 3)) {
            for (int i = 0; i < 30; i++) {
                index.dispatch(record("t", i * 100L, T0 + i, "same other-" + i, null));
            }
            List<Long> expected = new ArrayList<>();
            for (int i = 29; i >= 0; i--) {
                expected.add(i * 100L);
            }
            assertThat(index.queryPhysicalOffsets("t", "same", 100, 0, ALL_TIME_END)).containsExactlyElementsOf(expected);
            assertThat(index.queryPhysicalOffsets("t", "same", 4, 0, ALL_TIME_END)).containsExactly(2900L, 2800L, 2700L, 2600L);
            assertThat(index.queryPhysicalOffsets("t", "other-17", 100, 0, ALL_TIME_END)).containsExactly(1700L);
            // two keys per record, three entries per file: one record per file, named by its offset
            assertThat(index.fileCount()).isEqualTo(30);
            assertThat(indexFileNames()).first().isEqualTo("00000000000000000000");
            assertThat(indexFileNames()).last().isEqualTo("00000000000000002900");
        }
    }

    @Test
    void timeBoundedQueriesReturnOnlyRecordsStoredInTheRangeInclusive() {
        try (IndexService index = open(16, 4)) {
            for (int i = 0; i < 20; i++) {
                index.dispatch(record("t", i * 100L, T0 + i * 1000L, "k", null));
            }

            assertThat(index.queryPhysicalOffsets("t", "k", 100, T0 + 5000, T0 + 8000))
                    .containsExactly(800L, 700L, 600L, 500L);
            assertThat(index.queryPhysicalOffsets("t", "k", 100, T0 + 5001, T0 + 7999)).containsExactly(700L, 600L);
            assertThat(index.queryPhysicalOffsets("t", "k", 100, 0, T0 - 1)).isEmpty();
            assertThat(index.queryPhysicalOffsets("t", "k", 100, T0 + 19_001, ALL_TIME_END)).isEmpty();
            assertThat(index.queryPhysicalOffsets("t", "k", 100, T0 + 8000, T0 + 5000)).isEmpty();
        }
    }

    @Test
    void aStoreTimeThatStepsBackIsIndexedAtThePreviousRecordsTime() {
        try (IndexService index = open(16, 100)) {
            index.dispatch(record("t", 0, T0 + 5000, "k", null));
            index.dispatch(record("t", 100, T0 + 1000, "k", null));

            assertThat(index.queryPhysicalOffsets("t", "k", 10, T0 + 5000, T0 + 5000)).containsExactly(100L, 0L);
        }
    }

    @Test
    void aRecordTooLateForTheCurrentFilesTimeRangeStartsANewFile() {
        try (IndexService index = open(16, 100)) {
            long farLater = T0 + Integer.MAX_VALUE + 1L;
            index.dispatch(record("t", 0, T0, "k", null));
            index.dispatch(record("t", 100, farLater, "k", null));

            assertThat(index.fileCount()).isEqualTo(2);
            assertThat(index.queryPhysicalOffsets("t", "k", 10, farLater, farLater)).containsExactly(100L);
            assertThat(index.queryPhysicalOffsets("t", "k", 10, 0, ALL_TIME_END)).containsExactly(100L, 0L);
        }
    }

    @Test
    void reloadAfterCloseFindsEarlierEntriesAndIgnoresReDispatchedRecords() {
        try (IndexService index = open(8, 5)) {
            for (int i = 0; i < 12; i++) {
                index.dispatch(record("t", i * 100L, T0 + i, "k", "u-" + i));
            }
        }
        try (IndexService reopened = open(8, 5)) {
            assertThat(reopened.maxIndexedCommitLogOffset()).isEqualTo(1100L);
            assertThat(reopened.queryPhysicalOffsets("t", "k", 3, 0, ALL_TIME_END)).containsExactly(1100L, 1000L, 900L);
            assertThat(reopened.queryPhysicalOffsets("t", "u-4", 10, 0, ALL_TIME_END)).containsExactly(400L);

            reopened.dispatch(record("t", 1100, T0 + 11, "k", "u-11")); // recovery re-dispatch
            reopened.dispatch(record("t", 1200, T0 + 12, "k", null));

            assertThat(reopened.queryPhysicalOffsets("t", "k", 3, 0, ALL_TIME_END)).containsExactly(1200L, 1100L, 1000L);
            assertThat(reopened.queryPhysicalOffsets("t", "k", 100, 0, ALL_TIME_END)).hasSize(13);
        }
    }

    @Test
    void reloadUsesEachFilesOwnGeometryWhenTheConfigurationChanged() {
        try (IndexService index = open(8, 5)) {
            index.dispatch(record("t", 0, T0, "a b c d e", null));
        }
        try (IndexService reopened = open(1024, 50)) {
            reopened.dispatch(record("t", 100, T0 + 1, "a", null));
            assertThat(reopened.queryPhysicalOffsets("t", "a", 10, 0, ALL_TIME_END)).containsExactly(100L, 0L);
            assertThat(reopened.queryPhysicalOffsets("t", "e", 10, 0, ALL_TIME_END)).containsExactly(0L);
        }
    }

    @Test
    void deleteFilesBelowRemovesOnlyFilesWhoseEntriesAllPointBelowTheOffset() throws IOException {
        try (IndexService index = open(8, 2)) {
            for (int i = 0; i < 10; i++) {
                index.dispatch(record("t", i * 100L, T0 + i, "k", null)); // files begin at 0, 200, 400, 600, 800
            }

            index.deleteFilesBelow(500);

            assertThat(indexFileNames()).containsExactly(
                    "00000000000000000400", "00000000000000000600", "00000000000000000800");
            assertThat(index.queryPhysicalOffsets("t", "k", 100, 0, ALL_TIME_END))
                    .containsExactly(900L, 800L, 700L, 600L, 500L, 400L);

            index.deleteFilesBelow(10_000);
            assertThat(indexFileNames()).isEmpty();
            assertThat(index.queryPhysicalOffsets("t", "k", 100, 0, ALL_TIME_END)).isEmpty();

            index.dispatch(record("t", 10_000, T0 + 20, "k", null));
            assertThat(index.queryPhysicalOffsets("t", "k", 100, 0, ALL_TIME_END)).containsExactly(10_000L);
        }
    }

    @Test
    void aFileWhoseCreationNeverCompletedIsDroppedOnLoad() throws IOException {
        Files.write(dir.resolve("00000000000000000000"), new byte[(int) IndexFileLayout.fileSizeBytes(8, 5)]);

        try (IndexService index = open(8, 5)) {
            assertThat(index.maxIndexedCommitLogOffset()).isEqualTo(-1L);
            assertThat(indexFileNames()).isEmpty();
        }
    }

    @Test
    void aDamagedFileFailsLoadWithAnExplanation() throws IOException {
        try (IndexService index = open(8, 5)) {
            index.dispatch(record("t", 0, T0, "k", null));
        }
        Path file = dir.resolve("00000000000000000000");
        byte[] bytes = Files.readAllBytes(file);
        bytes[IndexFileLayout.VERSION_OFFSET + 3] = 9;
        Files.write(file, bytes);

        IndexService index = new IndexService(dir, 8, 5);
        assertThatThrownBy(index::load)
                .isInstanceOf(IndexFileCorruptedException.class)
                .hasMessageContaining("unsupported version 9")
                .hasMessageContaining("delete");
    }

    @Test
    void rejectsGeometryThatCannotBeMapped() {
        assertThatThrownBy(() -> new IndexService(dir, 0, 10)).hasMessageContaining("hashSlots");
        assertThatThrownBy(() -> new IndexService(dir, 10, 0)).hasMessageContaining("maxEntriesPerFile");
        assertThatThrownBy(() -> new IndexService(dir, 5_000_000, 110_000_000)).hasMessageContaining("maximum");
    }

    @Test
    void dispatchAndQueryAfterCloseFail() {
        IndexService index = open(8, 5);
        index.close();
        assertThatThrownBy(() -> index.dispatch(record("t", 0, T0, "k", null))).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.queryPhysicalOffsets("t", "k", 1, 0, 1)).hasMessageContaining("closed");
        index.close();
    }

    private List<String> indexFileNames() throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
