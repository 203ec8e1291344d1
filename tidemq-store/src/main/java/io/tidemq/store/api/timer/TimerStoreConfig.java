package io.tidemq.store.api.timer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link TimerStore}; validated here, each error naming the key and its allowed range.
 *
 * @param dir             directory of the timer store: {@code timerlog/}, {@code slots}, {@code checkpoint}
 * @param precisionMs     slot width in ms, in [10, 60 000]; delivery is never early and this coarse at worst
 *                        before the in-memory wheel takes over (see the broker's timerPrecisionMs)
 * @param slotCount       slots in the ring, in [16, {@link #MAX_SLOT_COUNT}]; the ring spans
 *                        {@code precisionMs * slotCount} ms
 * @param logSegmentBytes size of each timer log segment, a multiple of {@link TimerLogRecord#BYTES} in
 *                        [48 KiB-ish (1 024 entries), 1.5 GiB]
 */
public record TimerStoreConfig(Path dir, long precisionMs, int slotCount, int logSegmentBytes) {

    /** 1 048 576 entries of 48 bytes: 48 MiB. */
    public static final int DEFAULT_LOG_SEGMENT_BYTES = TimerLogRecord.BYTES << 20;
    public static final int MIN_LOG_SEGMENT_BYTES = TimerLogRecord.BYTES * 1024;
    public static final int MAX_LOG_SEGMENT_BYTES = TimerLogRecord.BYTES * (32 << 20);
    /**
     * The largest ring whose slot file fits one mapping: a 32-byte header and 24 bytes a slot (the layout of
     * {@code store.timer.TimerSlots}, whose {@code maxSlotCount()} a test holds equal to this).
     */
    public static final int MAX_SLOT_COUNT = (Integer.MAX_VALUE - 32) / 24;

    public TimerStoreConfig {
        Objects.requireNonNull(dir, "dir");
        check("timerPrecisionMs", precisionMs, 10, 60_000);
        check("timer slotCount", slotCount, 16, MAX_SLOT_COUNT);
        check("timerLogSegmentBytes", logSegmentBytes, MIN_LOG_SEGMENT_BYTES, MAX_LOG_SEGMENT_BYTES);
        if (logSegmentBytes % TimerLogRecord.BYTES != 0) {
            throw new IllegalArgumentException("timerLogSegmentBytes must be a multiple of " + TimerLogRecord.BYTES
                    + " (one entry), was " + logSegmentBytes);
        }
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    /** Where the timer log's segments live. */
    public Path logDir() {
        return dir.resolve("timerlog");
    }

    /** The slot ring's file. */
    public Path slotFile() {
        return dir.resolve("slots");
    }
}
