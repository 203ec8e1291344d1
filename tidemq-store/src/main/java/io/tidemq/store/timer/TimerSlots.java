package io.tidemq.store.timer;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.timer.TimerLogRecord;
import io.tidemq.store.file.BufferCleaner;
import io.tidemq.store.file.Durability;
import io.tidemq.store.file.MappedRegion;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The slot file: a memory-mapped ring of {@code slotCount} slots of {@code precisionMs} each. A slot holds the
 * head of its chain in the timer log and how many entries the chain has. Because the ring is reused as time
 * moves on, each slot also records which slot time it currently holds.
 *
 * <pre>
 * header (32 bytes)                        slot i at 32 + i * 24 (24 bytes)
 *  0 int  magic "TSL1"                      0 long slotTimeMs     (0 with count 0: empty)
 *  4 int  version (1)                       8 long headPosition   (newest entry of the slot)
 *  8 long precisionMs                      16 int  count
 * 16 int  slotCount                        20 int  reserved (0)
 * 20..31 reserved (0)
 * </pre>
 *
 * Slot time t lives at index {@code floorMod(t / precisionMs, slotCount)}.
 *
 * <p>Threading: single-threaded, like {@link TimerLog}.
 */
public final class TimerSlots implements AutoCloseable {

    static final int MAGIC = 0x54534C31;
    static final int VERSION = 1;
    static final int HEADER_BYTES = 32;
    // header layout (see the class comment)
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int PRECISION_MS_OFFSET = 8;
    private static final int SLOT_COUNT_OFFSET = 16;
    static final int SLOT_BYTES = 24;
    private static final int SLOT_TIME_OFFSET = 0;
    private static final int HEAD_OFFSET = 8;
    private static final int COUNT_OFFSET = 16;

    private final Path file;
    private final long precisionMs;
    private final int slotCount;
    private final MappedRegion region;
    /** {@code region}'s mapping. */
    private final MappedByteBuffer buffer;
    private final boolean reinitialized;
    private final long previousPrecisionMs;

    private TimerSlots(MappedRegion region, long precisionMs, int slotCount, boolean reinitialized,
                       long previousPrecisionMs) {
        this.file = region.path();
        this.precisionMs = precisionMs;
        this.slotCount = slotCount;
        this.region = region;
        this.buffer = region.buffer();
        this.reinitialized = reinitialized;
        this.previousPrecisionMs = previousPrecisionMs;
    }

    /** Largest ring that fits one mapping. */
    public static int maxSlotCount() {
        return (Integer.MAX_VALUE - HEADER_BYTES) / SLOT_BYTES;
    }

    /**
     * Maps the slot file, creating it, or re-initializing it (all slots empty) when its header does not match
     * {@code precisionMs}/{@code slotCount}; {@link #wasReinitialized()} then tells the caller to rebuild it.
     */
    static TimerSlots open(Path file, long precisionMs, int slotCount) {
        long bytes = HEADER_BYTES + (long) slotCount * SLOT_BYTES;
        long previousPrecisionMs = writtenPrecisionMs(file);
        MappedRegion region;
        try {
            // a file of another geometry is emptied and created anew; its slots are rebuilt from the log
            region = MappedRegion.open(file, bytes, (channel, existingBytes) -> true, FileIo.DEFAULT);
        } catch (IOException e) {
            throw new StoreIOException("cannot map the timer slot file " + file + ": " + e.getMessage(), e);
        }
        MappedByteBuffer buffer = region.buffer();
        boolean matches = !region.created() && buffer.getInt(MAGIC_OFFSET) == MAGIC
                && buffer.getInt(VERSION_OFFSET) == VERSION && buffer.getLong(PRECISION_MS_OFFSET) == precisionMs
                && buffer.getInt(SLOT_COUNT_OFFSET) == slotCount;
        TimerSlots slots = new TimerSlots(region, precisionMs, slotCount, !matches, previousPrecisionMs);
        if (!matches) {
            slots.clear();
            buffer.putInt(MAGIC_OFFSET, MAGIC);
            buffer.putInt(VERSION_OFFSET, VERSION);
            buffer.putLong(PRECISION_MS_OFFSET, precisionMs);
            buffer.putInt(SLOT_COUNT_OFFSET, slotCount);
        }
        return slots;
    }

    /**
     * The precision {@code file} was written with, read without changing anything; 0 when the file is missing,
     * too short or not a slot file.
     */
    static long writtenPrecisionMs(Path file) {
        if (!java.nio.file.Files.exists(file)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readPreviousPrecision(channel);
        } catch (IOException e) {
            throw new StoreIOException("cannot read the timer slot file " + file + ": " + e.getMessage()
                    + "; check its permissions", e);
        }
    }

    private static long readPreviousPrecision(FileChannel channel) throws IOException {
        if (channel.size() < HEADER_BYTES) {
            return 0;
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(HEADER_BYTES);
        channel.read(header, 0);
        return header.getInt(MAGIC_OFFSET) == MAGIC ? header.getLong(PRECISION_MS_OFFSET) : 0;
    }

    /** The precision the file was written with before this open; 0 when it was new or unreadable. */
    public long previousPrecisionMs() {
        return previousPrecisionMs;
    }

    /** True when the file was missing or written with another precision or slot count. */
    public boolean wasReinitialized() {
        return reinitialized;
    }

    public int slotCount() {
        return slotCount;
    }

    public long precisionMs() {
        return precisionMs;
    }

    /** The start of the slot containing {@code timeMs}. */
    public long slotTimeOf(long timeMs) {
        return Math.floorDiv(timeMs, precisionMs) * precisionMs;
    }

    private int at(long slotTimeMs) {
        return HEADER_BYTES + (int) Math.floorMod(slotTimeMs / precisionMs, (long) slotCount) * SLOT_BYTES;
    }

    /**
     * The slot time the ring position of {@code slotTimeMs} currently holds, or {@link Long#MIN_VALUE} when that
     * position is empty.
     */
    public long occupantOf(long slotTimeMs) {
        int at = at(slotTimeMs);
        return buffer.getInt(at + COUNT_OFFSET) == 0 ? Long.MIN_VALUE : buffer.getLong(at + SLOT_TIME_OFFSET);
    }

    /** Entries linked into slot {@code slotTimeMs} (0 when its ring position holds another slot). */
    public int countOf(long slotTimeMs) {
        int at = at(slotTimeMs);
        return buffer.getLong(at + SLOT_TIME_OFFSET) == slotTimeMs ? buffer.getInt(at + COUNT_OFFSET) : 0;
    }

    /** Newest entry of slot {@code slotTimeMs}, or {@link TimerLogRecord#NO_POSITION}. */
    public long headOf(long slotTimeMs) {
        return countOf(slotTimeMs) == 0 ? TimerLogRecord.NO_POSITION
                : buffer.getLong(at(slotTimeMs) + HEAD_OFFSET);
    }

    /** Makes {@code position} the head of slot {@code slotTimeMs}, replacing whatever other slot held the ring position. */
    void link(long slotTimeMs, long position) {
        int at = at(slotTimeMs);
        int count = countOf(slotTimeMs);
        // head before slot time and count: a torn update then reads as the old slot, which a rebuild repairs
        buffer.putLong(at + HEAD_OFFSET, position);
        buffer.putLong(at + SLOT_TIME_OFFSET, slotTimeMs);
        buffer.putInt(at + COUNT_OFFSET, count + 1);
    }

    /** Recovery: installs a rebuilt slot. */
    void set(long slotTimeMs, long headPosition, int count) {
        int at = at(slotTimeMs);
        buffer.putLong(at + HEAD_OFFSET, headPosition);
        buffer.putLong(at + SLOT_TIME_OFFSET, slotTimeMs);
        buffer.putInt(at + COUNT_OFFSET, count);
    }

    /** Sum of the counts of every slot at or after {@code cursorMs}. */
    public long entriesFrom(long cursorMs) {
        long total = 0;
        for (int i = 0; i < slotCount; i++) {
            int at = HEADER_BYTES + i * SLOT_BYTES;
            int count = buffer.getInt(at + COUNT_OFFSET);
            if (count > 0 && buffer.getLong(at + SLOT_TIME_OFFSET) >= cursorMs) {
                total += count;
            }
        }
        return total;
    }

    /** Empties every slot. */
    void clear() {
        for (int i = 0; i < slotCount; i++) {
            int at = HEADER_BYTES + i * SLOT_BYTES;
            buffer.putLong(at + SLOT_TIME_OFFSET, 0L);
            buffer.putLong(at + HEAD_OFFSET, 0L);
            buffer.putLong(at + COUNT_OFFSET, 0L);
        }
    }

    void force() {
        region.forceAll();
    }

    @Override
    public void close() {
        force();
        region.unmap();
    }

    @Override
    public String toString() {
        return "TimerSlots[" + file + ", " + slotCount + " x " + precisionMs + " ms]";
    }
}
