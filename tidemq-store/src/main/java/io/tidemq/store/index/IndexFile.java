package io.tidemq.store.index;

import static io.tidemq.store.index.IndexFileLayout.BEGIN_PHYSICAL_OFFSET_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.BEGIN_TIMESTAMP_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.END_PHYSICAL_OFFSET_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.END_TIMESTAMP_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.ENTRY_COUNT_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.ENTRY_KEY_HASH_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.ENTRY_PHYSICAL_OFFSET_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.ENTRY_PREVIOUS_INDEX_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.ENTRY_TIME_DIFF_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.HASH_SLOTS_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.HEADER_LENGTH;
import static io.tidemq.store.index.IndexFileLayout.MAGIC;
import static io.tidemq.store.index.IndexFileLayout.MAGIC_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.MAX_ENTRIES_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.USED_SLOT_COUNT_OFFSET;
import static io.tidemq.store.index.IndexFileLayout.VERSION;
import static io.tidemq.store.index.IndexFileLayout.VERSION_OFFSET;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.file.MappedRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * One fixed-size, memory-mapped key index file (layout in {@link IndexFileLayout}).
 *
 * <p>Threading: {@link #append} is called by one writer thread only (the dispatcher). Readers walk chains
 * concurrently without locks. Publication order makes that safe: the writer stores an entry's bytes, then
 * the header and the volatile {@link #entryCount}, and only then the slot with a release store; a reader
 * loads the slot with an acquire load, so everything the chain reaches from that slot is visible to it.
 * Absolute {@code get}/{@code put} calls never touch the buffer's position, so the buffer is shared.
 * Unmapping is the owner's job ({@link IndexService}), which guarantees no reader is inside the file then.
 */
final class IndexFile {

    /** Slots are 4-byte aligned in a page-aligned mapping, as atomic access modes require. */
    private static final VarHandle SLOT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final Path path;
    private final MappedRegion region;
    /** {@code region}'s mapping. */
    private final MappedByteBuffer buffer;
    private final int hashSlots;
    private final int maxEntries;
    private final long beginTimestampMs;
    private final long beginPhysicalOffset;

    // Written by the writer thread only; volatile so concurrent readers see current values.
    private volatile long endTimestampMs;
    private volatile long endPhysicalOffset;
    private volatile int entryCount;
    /** Writer thread only. */
    private int usedSlotCount;
    /** Flushing thread only: entry count at the last force(), to skip clean files. */
    private int flushedEntryCount;

    private IndexFile(MappedRegion region, int hashSlots, int maxEntries, long beginTimestampMs,
                      long beginPhysicalOffset) {
        this.path = region.path();
        this.region = region;
        this.buffer = region.buffer();
        this.hashSlots = hashSlots;
        this.maxEntries = maxEntries;
        this.beginTimestampMs = beginTimestampMs;
        this.beginPhysicalOffset = beginPhysicalOffset;
    }

    /** Creates a new file whose first entry will be the record at {@code beginPhysicalOffset}. */
    static IndexFile create(Path dir, int hashSlots, int maxEntries, long beginPhysicalOffset, long beginTimestampMs) {
        Path path = dir.resolve(IndexFileLayout.fileName(beginPhysicalOffset));
        long sizeBytes = IndexFileLayout.fileSizeBytes(hashSlots, maxEntries);
        MappedRegion region = map(path, sizeBytes, true);
        MappedByteBuffer buffer = region.buffer();
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putInt(HASH_SLOTS_OFFSET, hashSlots);
        buffer.putInt(MAX_ENTRIES_OFFSET, maxEntries);
        buffer.putLong(BEGIN_TIMESTAMP_OFFSET, beginTimestampMs);
        buffer.putLong(END_TIMESTAMP_OFFSET, beginTimestampMs);
        buffer.putLong(BEGIN_PHYSICAL_OFFSET_OFFSET, beginPhysicalOffset);
        buffer.putLong(END_PHYSICAL_OFFSET_OFFSET, beginPhysicalOffset);
        // Magic last, then force: a file found without it on load never finished creation and is dropped.
        buffer.putInt(MAGIC_OFFSET, MAGIC);
        region.forceAll();
        IndexFile file = new IndexFile(region, hashSlots, maxEntries, beginTimestampMs, beginPhysicalOffset);
        file.endTimestampMs = beginTimestampMs;
        file.endPhysicalOffset = beginPhysicalOffset;
        return file;
    }

    /**
     * Opens an existing file. Returns null for a file whose creation never completed, which the caller deletes:
     * no magic and no entries, or shorter than the header (a crash while its zeros were being written; files
     * are allocated whole before the header is written, so such a file never held an entry).
     */
    static IndexFile open(Path path) {
        long sizeBytes;
        try {
            sizeBytes = Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of key index file " + path, e);
        }
        if (sizeBytes < HEADER_LENGTH) {
            return null;
        }
        MappedRegion region = map(path, sizeBytes, false);
        MappedByteBuffer buffer = region.buffer();
        int magic = buffer.getInt(MAGIC_OFFSET);
        int count = buffer.getInt(ENTRY_COUNT_OFFSET);
        if (magic == 0 && count == 0) {
            region.unmap();
            return null;
        }
        String problem = validateHeader(buffer, sizeBytes);
        if (problem != null) {
            region.unmap();
            throw new IndexFileCorruptedException(path, problem);
        }
        IndexFile file = new IndexFile(region, buffer.getInt(HASH_SLOTS_OFFSET), buffer.getInt(MAX_ENTRIES_OFFSET),
                buffer.getLong(BEGIN_TIMESTAMP_OFFSET), buffer.getLong(BEGIN_PHYSICAL_OFFSET_OFFSET));
        file.endTimestampMs = buffer.getLong(END_TIMESTAMP_OFFSET);
        file.endPhysicalOffset = buffer.getLong(END_PHYSICAL_OFFSET_OFFSET);
        file.usedSlotCount = buffer.getInt(USED_SLOT_COUNT_OFFSET);
        file.entryCount = count;
        file.flushedEntryCount = count;
        return file;
    }

    private static String validateHeader(MappedByteBuffer buffer, long sizeBytes) {
        if (buffer.getInt(MAGIC_OFFSET) != MAGIC) {
            return "bad magic " + Integer.toHexString(buffer.getInt(MAGIC_OFFSET));
        }
        if (buffer.getInt(VERSION_OFFSET) != VERSION) {
            return "unsupported version " + buffer.getInt(VERSION_OFFSET) + ", this broker reads version " + VERSION;
        }
        int slots = buffer.getInt(HASH_SLOTS_OFFSET);
        int entries = buffer.getInt(MAX_ENTRIES_OFFSET);
        if (slots < 1 || entries < 1 || IndexFileLayout.fileSizeBytes(slots, entries) != sizeBytes) {
            return "header geometry hashSlots=" + slots + ", maxEntries=" + entries
                    + " does not match the file size " + sizeBytes;
        }
        int count = buffer.getInt(ENTRY_COUNT_OFFSET);
        if (count < 0 || count > entries) {
            return "entryCount " + count + " outside [0, " + entries + "]";
        }
        return null;
    }

    /** A new file has every block allocated before it is mapped: a full disk fails here, never as a SIGBUS. */
    private static MappedRegion map(Path path, long sizeBytes, boolean createNew) {
        try {
            return createNew ? MappedRegion.createNew(path, sizeBytes, FileIo.DEFAULT) : MappedRegion.openExisting(path);
        } catch (IOException e) {
            if (createNew) {
                deleteQuietly(path); // else the retry under the same name would fail with FileAlreadyExists
            }
            throw new UncheckedIOException("Cannot map key index file " + path + " (" + sizeBytes
                    + " bytes); check the disk has space and the directory is writable", e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException suppressed) {
            // the mapping error is the one worth reporting
        }
    }

    int remainingEntries() {
        return maxEntries - entryCount;
    }

    /** Whether an entry stored at {@code timestampMs} can express its time difference in 4 bytes. */
    boolean canHoldTimestamp(long timestampMs) {
        long diffMs = timestampMs - beginTimestampMs;
        return diffMs >= 0 && diffMs <= Integer.MAX_VALUE;
    }

    /** Writer thread only; the caller checked {@link #remainingEntries()} and {@link #canHoldTimestamp(long)}. */
    void append(int keyHash, long physicalOffset, long timestampMs) {
        int index = entryCount + 1;
        int slotPosition = IndexFileLayout.slotPosition(IndexKeyHash.slotOf(keyHash, hashSlots));
        int previousIndex = (int) SLOT.get(buffer, slotPosition);
        int entryPosition = IndexFileLayout.entryPosition(hashSlots, index);
        buffer.putInt(entryPosition + ENTRY_KEY_HASH_OFFSET, keyHash);
        buffer.putLong(entryPosition + ENTRY_PHYSICAL_OFFSET_OFFSET, physicalOffset);
        buffer.putInt(entryPosition + ENTRY_TIME_DIFF_OFFSET, (int) (timestampMs - beginTimestampMs));
        buffer.putInt(entryPosition + ENTRY_PREVIOUS_INDEX_OFFSET, previousIndex);
        if (previousIndex == 0) {
            usedSlotCount++;
            buffer.putInt(USED_SLOT_COUNT_OFFSET, usedSlotCount);
        }
        buffer.putLong(END_TIMESTAMP_OFFSET, timestampMs);
        buffer.putLong(END_PHYSICAL_OFFSET_OFFSET, physicalOffset);
        buffer.putInt(ENTRY_COUNT_OFFSET, index);
        endTimestampMs = timestampMs;
        endPhysicalOffset = physicalOffset;
        entryCount = index;
        SLOT.setRelease(buffer, slotPosition, index);
    }

    /**
     * Adds to {@code out}, newest first, the offsets of entries whose key hash equals {@code keyHash} and
     * whose store time lies in [beginMs, endMs], until {@code out} holds {@code maxCount} offsets.
     */
    void collect(int keyHash, long beginMs, long endMs, int maxCount, Collection<Long> out) {
        int slotPosition = IndexFileLayout.slotPosition(IndexKeyHash.slotOf(keyHash, hashSlots));
        int index = (int) SLOT.getAcquire(buffer, slotPosition);
        // Read after the acquire, so it covers every index the chain can reach.
        int count = entryCount;
        while (index > 0 && index <= count && out.size() < maxCount) {
            int entryPosition = IndexFileLayout.entryPosition(hashSlots, index);
            long timestampMs = beginTimestampMs + buffer.getInt(entryPosition + ENTRY_TIME_DIFF_OFFSET);
            if (timestampMs < beginMs) {
                return; // store times never decrease along a chain, so every older entry is earlier still
            }
            if (timestampMs <= endMs && buffer.getInt(entryPosition + ENTRY_KEY_HASH_OFFSET) == keyHash) {
                out.add(buffer.getLong(entryPosition + ENTRY_PHYSICAL_OFFSET_OFFSET));
            }
            int previousIndex = buffer.getInt(entryPosition + ENTRY_PREVIOUS_INDEX_OFFSET);
            if (previousIndex >= index) {
                return; // a chain only points backwards; anything else is damage, and looping on it would hang
            }
            index = previousIndex;
        }
    }

    /**
     * Whether every entry is reachable from exactly one slot through a chain that only points backwards, each
     * entry in the slot of its key hash: what a file whose pages all reached the disk looks like. After an OS
     * crash a slot can point at an entry that never got there, or the header can count entries that did not;
     * either breaks this. O(entries); recovery only.
     */
    boolean isConsistent() {
        int count = buffer.getInt(ENTRY_COUNT_OFFSET);
        long reached = 0;
        for (int slot = 0; slot < hashSlots; slot++) {
            int index = buffer.getInt(IndexFileLayout.slotPosition(slot));
            while (index != 0) {
                if (index < 0 || index > count) {
                    return false;
                }
                int entryPosition = IndexFileLayout.entryPosition(hashSlots, index);
                if (IndexKeyHash.slotOf(buffer.getInt(entryPosition + ENTRY_KEY_HASH_OFFSET), hashSlots) != slot) {
                    return false;
                }
                int previous = buffer.getInt(entryPosition + ENTRY_PREVIOUS_INDEX_OFFSET);
                if (previous >= index) {
                    return false;
                }
                reached++;
                index = previous;
            }
        }
        return reached == count;
    }

    boolean overlaps(long beginMs, long endMs) {
        return beginTimestampMs <= endMs && endTimestampMs >= beginMs;
    }

    /** Recovery only: forces the whole file, whatever was forced before (a killed process may not have). */
    void forceAll() {
        region.forceAll();
        flushedEntryCount = entryCount;
    }

    /** Flushing thread only. */
    void flush() {
        int count = entryCount;
        if (count != flushedEntryCount) {
            region.forceAll();
            flushedEntryCount = count;
        }
    }

    /** The owner guarantees no thread uses this file afterwards. */
    void unmap() {
        region.unmap();
    }

    void unmapAndDelete() throws IOException {
        region.unmapAndDelete();
    }

    Path path() {
        return path;
    }

    long beginPhysicalOffset() {
        return beginPhysicalOffset;
    }

    long endPhysicalOffset() {
        return endPhysicalOffset;
    }

    long endTimestampMs() {
        return endTimestampMs;
    }

    int entryCount() {
        return entryCount;
    }

    int usedSlotCount() {
        return usedSlotCount;
    }
}
