package io.tidemq.store.index;

/**
 * The binary layout of one key index file; every byte position used by {@link IndexFile} comes from here.
 *
 * <pre>
 * header (56 bytes, big-endian)
 *   0  magic                  int   0x54494458 ("TIDX")
 *   4  version                int   1
 *   8  hashSlots              int   slot count of THIS file (it may differ from the current configuration)
 *  12  maxEntries             int   entry capacity of THIS file
 *  16  beginTimestampMs       long  store time of the first entry; base of every entry's timeDiffMs
 *  24  endTimestampMs         long  store time of the newest entry
 *  32  beginPhysicalOffset    long  CommitLog offset of the first entry's record (also the file name)
 *  40  endPhysicalOffset      long  CommitLog offset of the newest entry's record
 *  48  usedSlotCount          int   slots that hold at least one entry
 *  52  entryCount             int   entries written
 * slots (hashSlots x 4 bytes)
 *   int  index (1-based) of the newest entry whose key hash maps to this slot; 0 = empty
 * entries (maxEntries x 20 bytes), entry i (1-based) at ENTRIES_START + (i - 1) * 20
 *   0  keyHash                int   String.hashCode() of "topic#key"
 *   4  physicalOffset         long  CommitLog offset of the record
 *  12  timeDiffMs             int   store time minus beginTimestampMs, in milliseconds
 *  16  previousIndex          int   the next-older entry of the same slot; 0 ends the chain
 * </pre>
 */
final class IndexFileLayout {

    static final int MAGIC = 0x54494458;
    static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int HASH_SLOTS_OFFSET = 8;
    static final int MAX_ENTRIES_OFFSET = 12;
    static final int BEGIN_TIMESTAMP_OFFSET = 16;
    static final int END_TIMESTAMP_OFFSET = 24;
    static final int BEGIN_PHYSICAL_OFFSET_OFFSET = 32;
    static final int END_PHYSICAL_OFFSET_OFFSET = 40;
    static final int USED_SLOT_COUNT_OFFSET = 48;
    static final int ENTRY_COUNT_OFFSET = 52;
    static final int HEADER_LENGTH = 56;

    static final int SLOT_LENGTH = 4;

    static final int ENTRY_KEY_HASH_OFFSET = 0;
    static final int ENTRY_PHYSICAL_OFFSET_OFFSET = 4;
    static final int ENTRY_TIME_DIFF_OFFSET = 12;
    static final int ENTRY_PREVIOUS_INDEX_OFFSET = 16;
    static final int ENTRY_LENGTH = 20;

    /** Largest file a single {@code FileChannel.map} call can map. */
    static final long MAX_FILE_SIZE_BYTES = Integer.MAX_VALUE;

    /** File names are the first entry's CommitLog offset, zero-padded like CommitLog file names. */
    static final int FILE_NAME_LENGTH = 20;

    private IndexFileLayout() {
    }

    static long fileSizeBytes(int hashSlots, int maxEntries) {
        return HEADER_LENGTH + (long) hashSlots * SLOT_LENGTH + (long) maxEntries * ENTRY_LENGTH;
    }

    static int slotPosition(int slot) {
        return HEADER_LENGTH + slot * SLOT_LENGTH;
    }

    /** Position of entry {@code entryIndex}, which is 1-based because 0 marks an empty slot. */
    static int entryPosition(int hashSlots, int entryIndex) {
        return HEADER_LENGTH + hashSlots * SLOT_LENGTH + (entryIndex - 1) * ENTRY_LENGTH;
    }

    static String fileName(long beginPhysicalOffset) {
        return String.format("%020d", beginPhysicalOffset);
    }

    static boolean isIndexFileName(String name) {
        if (name.length() != FILE_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
