package io.tidemq.store.timer;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.timer.TimerLogRecord;
import io.tidemq.store.file.BufferCleaner;
import io.tidemq.store.file.Durability;
import io.tidemq.store.file.MappedRegion;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * One fixed-size, memory-mapped file of the timer log, named by the global position of its first byte
 * (20 digits, like CommitLog files). Entries never straddle two segments: the size is a multiple of
 * {@link TimerLogRecord#BYTES}. Owned by the timer log's single thread.
 */
final class TimerLogSegment {

    private final Path file;
    private final long startPosition;
    private final int sizeBytes;
    private final MappedRegion region;
    /** {@code region}'s mapping. */
    private final MappedByteBuffer buffer;
    /** Largest slot time of any entry written here; the segment may go once the delivered cursor passes it. */
    private long maxSlotTimeMs = Long.MIN_VALUE;
    /** Bytes written since the last force, so idle segments are not forced again. */
    private boolean dirty;

    private TimerLogSegment(long startPosition, int sizeBytes, MappedRegion region) {
        this.file = region.path();
        this.startPosition = startPosition;
        this.sizeBytes = sizeBytes;
        this.region = region;
        this.buffer = region.buffer();
    }

    static Path fileFor(Path dir, long startPosition) {
        return dir.resolve(String.format("%020d", startPosition));
    }

    /**
     * Maps the segment starting at {@code startPosition}, creating (and allocating) it when missing. A segment
     * whose creation a crash cut short (all zeros) is created anew; any other size is refused.
     */
    static TimerLogSegment open(Path dir, long startPosition, int sizeBytes) {
        Path file = fileFor(dir, startPosition);
        try {
            MappedRegion region = MappedRegion.open(file, sizeBytes, MappedRegion.recreateWhenAllZero(
                    (channel, existingBytes) -> {
                        throw new StoreIOException("timer log segment " + file + " is " + existingBytes + " bytes but"
                                + " timerLogSegmentBytes is " + sizeBytes + "; restore the original setting or delete"
                                + " the timer directory (scheduled messages are then re-indexed from TIDEMQ_SYS_TIMER)");
                    }), FileIo.DEFAULT);
            return new TimerLogSegment(startPosition, sizeBytes, region);
        } catch (IOException e) {
            throw new StoreIOException("cannot map timer log segment " + file + ": " + e.getMessage(), e);
        }
    }

    long startPosition() {
        return startPosition;
    }

    long endPosition() {
        return startPosition + sizeBytes;
    }

    boolean contains(long position) {
        return position >= startPosition && position < endPosition();
    }

    long maxSlotTimeMs() {
        return maxSlotTimeMs;
    }

    void write(long position, TimerLogRecord record) {
        record.writeTo(buffer, (int) (position - startPosition));
        maxSlotTimeMs = Math.max(maxSlotTimeMs, record.slotTimeMs());
        dirty = true;
    }

    /** The entry at a global position inside this segment, or null when none is validly written there. */
    TimerLogRecord read(long position) {
        return TimerLogRecord.readFrom(buffer, (int) (position - startPosition));
    }

    /** Notes a recovered entry's slot time (recovery scan). */
    void noteSlotTime(long slotTimeMs) {
        maxSlotTimeMs = Math.max(maxSlotTimeMs, slotTimeMs);
    }

    /** Zeroes [position, end of written data) so a later scan stops at {@code position}. */
    void truncateFrom(long position) {
        for (int at = (int) (position - startPosition); at < sizeBytes; at += TimerLogRecord.BYTES) {
            if (buffer.getInt(at) == 0) {
                break;
            }
            for (int i = 0; i < TimerLogRecord.BYTES; i += Long.BYTES) {
                buffer.putLong(at + i, 0L);
            }
        }
        dirty = true;
    }

    void force() {
        if (dirty) {
            region.forceAll();
            dirty = false;
        }
    }

    void close() {
        force();
        region.unmap();
    }

    void delete() {
        try {
            region.unmapAndDelete();
        } catch (IOException e) {
            throw new StoreIOException("cannot delete timer log segment " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
