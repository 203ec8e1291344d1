package io.tidemq.store.timer;

import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The timer index keeps scheduled entries on disk: a million of them cost (almost) no heap. */
class TimerStoreMillionEntriesTest {

    private static final int ENTRIES = 1_000_000;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aMillionScheduledEntriesAddLessThanEightMebibytesOfHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (TimerStore store = DefaultTimerStore.open(new TimerStoreConfig(dir, 1_000, 7_200,
                TimerStoreConfig.DEFAULT_LOG_SEGMENT_BYTES))) {
            long before = usedHeapAfterGc(memory);
            for (int i = 0; i < ENTRIES; i++) {
                long deliverAt = T0 + (i * 3_600_000L) / ENTRIES; // spread over one hour
                store.append(deliverAt, store.slotTimeOf(deliverAt), i * 200L, 200, 0, Long.MIN_VALUE);
            }
            long after = usedHeapAfterGc(memory);

            assertThat(store.entriesFrom(Long.MIN_VALUE)).isEqualTo(ENTRIES);
            assertThat(after - before).as("heap growth in bytes for %d entries", ENTRIES).isLessThan(8L << 20);
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
