package io.tidemq.store.commitlog;

import io.tidemq.common.message.MessageId;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.NoMessageAtOffsetException;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.metrics.StoreMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads at offsets where no record starts (a client's message id, a send-back offset) are not corruption. */
class BogusReadOffsetTest {

    @TempDir
    Path dir;

    @Test
    void anOffsetInsideARecordIsAnsweredAsNoMessageThereNotAsCorruption() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            List<PutResult> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(store.putMessage(message("t", 0, 300)).join());
            }
            for (PutResult result : results) {
                for (int inside = 1; inside < result.wroteBytes(); inside += 37) {
                    String bogusId = MessageId.encode(TestStores.STORE_HOST, result.physicalOffset() + inside);
                    assertThatThrownBy(() -> store.lookByMessageId(bogusId))
                            .isInstanceOf(NoMessageAtOffsetException.class)
                            .isInstanceOf(OffsetOutOfRangeException.class)
                            .hasMessageContaining("no message starts at");
                }
            }
            assertThat(store.stats().corruptRecords()).isZero();
            assertThat(store.stats().corruptReads()).isZero();
            assertThat(store.lookByMessageId(results.get(3).msgId()).physicalOffset())
                    .isEqualTo(results.get(3).physicalOffset());
        }
    }

    @Test
    void theMapOfReportedCorruptRangesIsBounded() {
        StoreMetrics metrics = new StoreMetrics();
        CommitLog commitLog = new CommitLog(smallConfig(dir).build(), metrics, null);
        int reports = CommitLog.MAX_REMEMBERED_CORRUPT_RANGES + 500;
        for (int i = 0; i < reports; i++) {
            commitLog.reportCorruption(i * 10L, i * 10L + 5, "test");
        }
        assertThat(commitLog.rememberedCorruptRanges()).isEqualTo(CommitLog.MAX_REMEMBERED_CORRUPT_RANGES);
        assertThat(metrics.corruptRecords.sum()).isEqualTo(reports);
        // the most recent reports are remembered, so they are not counted twice
        commitLog.reportCorruption((reports - 1) * 10L, (reports - 1) * 10L + 5, "test");
        assertThat(metrics.corruptRecords.sum()).isEqualTo(reports);
    }
}
