package io.tidemq.store.queue;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.file.AppendCallback;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.file.MappedFileQueue;
import io.tidemq.store.recovery.RecoveryCut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The index of one (topic, queueId): a {@link MappedFileQueue} of fixed 20-byte entries, entry {@code n} being
 * the record at queue offset {@code n}. Files are named by the byte offset of their first entry
 * ({@code queueOffset * 20}).
 *
 * <pre>
 * offset  length  field
 *      0       8  commitLogOffset   physical offset of the record; -1 marks a filler entry
 *      8       4  size              record length in bytes; 0 with commitLogOffset 0 = never written
 *     12       8  tagsCode          hash of the record's tag, see TagsCode
 * </pre>
 *
 * <p>Threads: entries are written only by the dispatch thread (and recovery before it); readers are lock-free
 * and see an entry once the file's write position covers it. Retention trims files from the front.
 */
public final class ConsumeQueue {

    public static final int ENTRY_BYTES = 20;
    public static final int COMMIT_LOG_OFFSET_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int TAGS_CODE_OFFSET = 12;
    /** commitLogOffset of a filler entry: occupies a queue offset that holds no record. */
    public static final long FILLER_COMMIT_LOG_OFFSET = -1;
    /**
     * A queue file's blocks are reserved this far ahead of its entries (zeros written through the file, 3 276
     * entries per chunk), not the whole file at its first entry: 10 000 queues of 6 MB files would take 60 GB of
     * disk before holding anything. Large enough that the dispatch thread opens a file for a busy queue once per
     * 3 276 entries; a fresh queue starts with one OS page and doubles up to it (see MappedFile#openReservingAhead),
     * so 10 000 queues of a few entries each cost 40 MB of zeros, not 655 MB.
     */
    public static final int RESERVE_CHUNK_BYTES = 64 << 10;

    private static final Logger log = LoggerFactory.getLogger(ConsumeQueue.class);

    /** One entry of the queue. */
    public record Entry(long queueOffset, long commitLogOffset, int size, long tagsCode) {
        public boolean isFiller() {
            return commitLogOffset == FILLER_COMMIT_LOG_OFFSET;
        }
    }

    private final String topic;
    private final int queueId;
    private final MappedFileQueue files;
    /** Encodes one entry; owned by the dispatch thread. */
    private final EntryWriter writer = new EntryWriter();
    /**
     * Smallest queue offset whose record still exists. Written by the dispatch thread (first entry) and by
     * retention (after CommitLog files are deleted); read by everyone.
     */
    private volatile long minLogicOffset;

    public ConsumeQueue(String topic, int queueId, Path dir, int entriesPerFile) {
        this(topic, queueId, dir, entriesPerFile, FileIo.DEFAULT);
    }

    /** @param io how files are allocated and forced (a test seam; {@link FileIo#DEFAULT} in production) */
    public ConsumeQueue(String topic, int queueId, Path dir, int entriesPerFile, FileIo io) {
        this.topic = topic;
        this.queueId = queueId;
        this.files = new MappedFileQueue(dir, entriesPerFile * ENTRY_BYTES, null, false, io, RESERVE_CHUNK_BYTES);
    }

    public String topic() {
        return topic;
    }

    public int queueId() {
        return queueId;
    }

    public void load() {
        files.load();
    }

    /**
     * What {@link #recover} found.
     *
     * @param cut            entries removed because never-written (all-zero) entries came before them, or null
     * @param redispatchFrom CommitLog offset from which records must be dispatched again to rebuild what was cut
     *                       or found missing below the end, or -1 when the checkpoint's re-dispatch suffices
     */
    public record Recovery(RecoveryCut cut, long redispatchFrom) {
    }

    /**
     * Recovery: finds the end of the written entries and the first real entry. Every file that may hold entries
     * written after the checkpoint is validated, not only the last: from the last file backwards, until a file
     * whose last real entry is for a record below {@code checkpointOffset} (it was flushed before that
     * checkpoint). The queue ends at the first never-written (all-zero) entry of the validated files; entries
     * after it are cut, and the CommitLog offset to re-dispatch from is returned so they are rebuilt.
     *
     * @param checkpointOffset the checkpoint's {@code consumeQueueFlushedOffset}, or -1 when unknown (every file
     *                         is then validated)
     */
    public Recovery recover(long checkpointOffset) {
        List<MappedFile> all = files.files();
        if (all.isEmpty()) {
            return new Recovery(null, -1);
        }
        long end = -1;
        long lastWritten = -1;
        long validatedFrom = Long.MAX_VALUE;
        for (int i = all.size() - 1; i >= 0; i--) {
            MappedFile file = all.get(i);
            boolean last = i == all.size() - 1;
            if (!last && isCoveredByCheckpoint(file, checkpointOffset)) {
                break;
            }
            validatedFrom = file.fileFromOffset();
            int firstZero = firstNeverWrittenEntry(file);
            if (firstZero < file.fileSizeBytes()) {
                end = file.fileFromOffset() + firstZero;
            }
            int lastWrittenInFile = endOfLastWrittenEntry(file);
            if (lastWrittenInFile > 0) {
                lastWritten = Math.max(lastWritten, file.fileFromOffset() + lastWrittenInFile);
            }
        }
        if (end < 0) {
            end = all.get(all.size() - 1).fileFromOffset() + all.get(all.size() - 1).fileSizeBytes();
        }
        MappedFile last = all.get(all.size() - 1);
        boolean endBeforeLastFile = end < last.fileFromOffset();
        RecoveryCut cut = null;
        if (lastWritten > end) {
            String reason = "never-written entries at queue offset " + end / ENTRY_BYTES + " (lost by a crash"
                    + " before the queue was flushed) with written entries after them; they are rebuilt from"
                    + " the CommitLog";
            cut = new RecoveryCut(RecoveryCut.consumeQueue(topic, queueId), end / ENTRY_BYTES,
                    lastWritten / ENTRY_BYTES, lastWritten - end, reason);
            log.warn("ConsumeQueue {}-{} CUT: queue offsets [{}, {}) ({} bytes) removed: {}", topic, queueId,
                    cut.fromOffset(), cut.toOffset(), cut.bytes(), reason);
        }
        files.truncateDirty(end);
        // the files validated above may hold entries a killed process never forced; the checkpoint covers the rest
        files.forceFrom(validatedFrom);
        minLogicOffset = firstRealOffset();
        long redispatchFrom = -1;
        if (cut != null || endBeforeLastFile) {
            // the entries from the end on must come back from the CommitLog: from the record after the last
            // real entry kept (everything before it is in the queue)
            redispatchFrom = lastRealEntryEnd();
        }
        return new Recovery(cut, redispatchFrom);
    }

    /** Whether {@code file} is full and its last real entry is for a record below the checkpoint. */
    private boolean isCoveredByCheckpoint(MappedFile file, long checkpointOffset) {
        if (checkpointOffset < 0 || !file.hold()) {
            return false;
        }
        try {
            for (int at = file.fileSizeBytes() - ENTRY_BYTES; at >= 0; at -= ENTRY_BYTES) {
                long commitLogOffset = file.getLong(at + COMMIT_LOG_OFFSET_OFFSET);
                int size = file.getInt(at + SIZE_OFFSET);
                if (isNeverWritten(file, at)) {
                    return false;
                }
                if (commitLogOffset != FILLER_COMMIT_LOG_OFFSET) {
                    return commitLogOffset + size <= checkpointOffset;
                }
            }
            return false;
        } finally {
            file.release();
        }
    }

    /** Position of the first all-zero entry of {@code file}, or its size when every entry is written. */
    private static int firstNeverWrittenEntry(MappedFile file) {
        if (!file.hold()) {
            return 0;
        }
        try {
            int at = 0;
            while (at + ENTRY_BYTES <= file.fileSizeBytes() && !isNeverWritten(file, at)) {
                at += ENTRY_BYTES;
            }
            return at;
        } finally {
            file.release();
        }
    }

    /** One past the last entry of {@code file} that is not all-zero; 0 when none is. */
    private static int endOfLastWrittenEntry(MappedFile file) {
        if (!file.hold()) {
            return 0;
        }
        try {
            int at = (file.fileSizeBytes() / ENTRY_BYTES) * ENTRY_BYTES;
            while (at > 0 && isNeverWritten(file, at - ENTRY_BYTES)) {
                at -= ENTRY_BYTES;
            }
            return at;
        } finally {
            file.release();
        }
    }

    /**
     * Whether the entry at {@code at} was never completely written: all zeros, or torn by a kill after its
     * CommitLog offset and before its size (the writer stores offset, size, tags code in that order). A real
     * entry always has a size; a filler is the only entry with size 0, and it carries the filler offset.
     */
    private static boolean isNeverWritten(MappedFile file, int at) {
        return file.getInt(at + SIZE_OFFSET) == 0
                && file.getLong(at + COMMIT_LOG_OFFSET_OFFSET) != FILLER_COMMIT_LOG_OFFSET;
    }

    /** CommitLog offset just after the record of the last real entry, or 0 when the queue holds none. */
    private long lastRealEntryEnd() {
        for (long q = maxOffset() - 1; q >= minOffset(); q--) {
            Entry e = entry(q);
            if (e == null) {
                break;
            }
            if (!e.isFiller()) {
                return e.commitLogOffset() + e.size();
            }
        }
        return 0;
    }

    private long firstRealOffset() {
        MappedFile first = files.firstFile();
        if (first == null) {
            return 0;
        }
        long base = first.fileFromOffset() / ENTRY_BYTES;
        int count = first.wrotePosition() / ENTRY_BYTES;
        for (int i = 0; i < count; i++) {
            if (first.getLong(i * ENTRY_BYTES + COMMIT_LOG_OFFSET_OFFSET) != FILLER_COMMIT_LOG_OFFSET) {
                return base + i;
            }
        }
        return base + count;
    }

    /**
     * Writes the entry for {@code queueOffset}. Idempotent: an entry already present is left alone (re-dispatch
     * after recovery). A gap (a queue that starts past 0, or lost records) is filled with filler entries.
     *
     * @return whether an entry was written
     */
    public boolean putEntry(long queueOffset, long commitLogOffset, int size, long tagsCode) {
        long next = maxOffset();
        if (queueOffset < next) {
            return false;
        }
        if (queueOffset > next) {
            if (files.isEmpty()) {
                minLogicOffset = queueOffset;
            } else {
                log.warn("{}-{}: queue offset {} arrives while {} was expected; filling the gap", topic, queueId,
                        queueOffset, next);
            }
            startAt(queueOffset);
        }
        writer.set(commitLogOffset, size, tagsCode);
        append(files.lastFileForAppend(queueOffset * ENTRY_BYTES));
        return true;
    }

    /**
     * Creates the first file of a queue that has none yet (its directories, the file, its mapping and first
     * reserved page), as its first entry at queue offset 0 would: for a new topic's queues, so the dispatch thread
     * does not create them when their first records arrive. Does nothing when the queue has a file. The caller
     * excludes the dispatch thread's writes to this queue (the ConsumeQueueStore's write lock).
     *
     * @return whether a file was created
     */
    boolean prepareFirstFile() {
        if (!files.isEmpty()) {
            return false;
        }
        files.lastFileForAppend(0).ensureAllocated(ENTRY_BYTES);
        return true;
    }

    /**
     * Appends the writer's entry, the blocks under it reserved first.
     *
     * @throws io.tidemq.store.api.DiskFullException when the disk has no room for the next chunk (nothing written;
     *                                               the dispatcher retries the record)
     */
    private void append(MappedFile file) {
        file.ensureAllocated(file.wrotePosition() + ENTRY_BYTES);
        file.append(writer);
    }

    /**
     * Writes filler entries until the next entry lands at {@code queueOffset}. For an empty queue the first
     * file starts at the file boundary below {@code queueOffset}, so at most one file's worth of fillers.
     */
    private void startAt(long queueOffset) {
        writer.set(FILLER_COMMIT_LOG_OFFSET, 0, 0);
        while (maxOffset() < queueOffset) {
            append(files.lastFileForAppend(queueOffset * ENTRY_BYTES));
        }
    }

    /** The entry at {@code queueOffset}, or null when outside [min, max). */
    public Entry entry(long queueOffset) {
        List<Entry> one = entries(queueOffset, 1);
        return one.isEmpty() ? null : one.get(0);
    }

    /** Up to {@code maxEntries} consecutive entries from {@code fromQueueOffset}, fillers included. */
    public List<Entry> entries(long fromQueueOffset, int maxEntries) {
        List<Entry> out = new ArrayList<>(Math.min(maxEntries, 64));
        long offset = Math.max(fromQueueOffset, minOffset());
        long max = maxOffset();
        while (out.size() < maxEntries && offset < max) {
            MappedFile file = files.findByOffset(offset * ENTRY_BYTES);
            if (file == null || !file.hold()) {
                break;
            }
            try {
                int position = (int) (offset * ENTRY_BYTES - file.fileFromOffset());
                int limit = file.wrotePosition();
                while (position + ENTRY_BYTES <= limit && out.size() < maxEntries && offset < max) {
                    out.add(new Entry(offset, file.getLong(position + COMMIT_LOG_OFFSET_OFFSET),
                            file.getInt(position + SIZE_OFFSET), file.getLong(position + TAGS_CODE_OFFSET)));
                    position += ENTRY_BYTES;
                    offset++;
                }
                if (position < file.fileSizeBytes() && out.size() < maxEntries && offset < max) {
                    break;
                }
            } finally {
                file.release();
            }
        }
        return out;
    }

    /**
     * The first queue offset whose record was stored at or after {@code timestampMs}, by binary search;
     * {@link #maxOffset()} when every record is older, {@link #minOffset()} when every record is newer.
     *
     * @param storeTimestampOf store timestamp of the record at a CommitLog offset, or -1 when unreadable
     */
    public long offsetByTime(long timestampMs, LongUnaryOperator storeTimestampOf) {
        long low = minOffset();
        long high = maxOffset() - 1;
        long answer = maxOffset();
        while (low <= high) {
            long mid = (low + high) >>> 1;
            long stamp = timestampAt(mid, high, storeTimestampOf);
            if (stamp < 0) {
                low = mid + 1;
                continue;
            }
            if (stamp >= timestampMs) {
                answer = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return answer;
    }

    /** Timestamp at {@code queueOffset}, skipping forward over fillers (up to {@code limit}); -1 if none. */
    private long timestampAt(long queueOffset, long limit, LongUnaryOperator storeTimestampOf) {
        for (long q = queueOffset; q <= limit; q++) {
            Entry e = entry(q);
            if (e != null && !e.isFiller()) {
                return storeTimestampOf.applyAsLong(e.commitLogOffset());
            }
        }
        return -1;
    }

    /** Smallest queue offset still readable. */
    public long minOffset() {
        return Math.max(minLogicOffset, files.minOffset() / ENTRY_BYTES);
    }

    /** One past the last entry. */
    public long maxOffset() {
        return files.maxOffset() / ENTRY_BYTES;
    }

    /** Physical offset one past the last record this queue points to, or -1 when empty. */
    public long maxPhysicalEnd() {
        long max = maxOffset();
        if (max == 0) {
            return -1;
        }
        Entry last = entry(max - 1);
        return last == null || last.isFiller() ? -1 : last.commitLogOffset() + last.size();
    }

    /**
     * Recovery: drops entries pointing past {@code commitLogEnd} (the CommitLog lost its tail).
     *
     * @return entries dropped
     */
    public long truncateAbove(long commitLogEnd) {
        long max = maxOffset();
        long keep = max;
        long at = max;
        // walk back over fillers too: they only fill gaps before the real entries that follow them
        while (at > minOffset()) {
            Entry e = entry(at - 1);
            if (e == null) {
                break;
            }
            if (!e.isFiller()) {
                if (e.commitLogOffset() + e.size() <= commitLogEnd) {
                    break;
                }
                keep = at - 1;
            }
            at--;
        }
        if (keep < max) {
            files.truncateDirty(keep * ENTRY_BYTES);
            if (minLogicOffset > keep) {
                minLogicOffset = keep;
            }
        }
        return max - keep;
    }

    /**
     * Retention: after CommitLog files below {@code commitLogMinOffset} are gone, moves the minimum past
     * entries pointing into them and deletes queue files holding only such entries (never the last file).
     *
     * @return files deleted
     */
    public int deleteBelow(long commitLogMinOffset, int maxFiles) {
        int deleted = files.deleteExpired(file -> lastEntryCommitLogOffset(file) < commitLogMinOffset,
                maxFiles).size();
        long offset = minOffset();
        long max = maxOffset();
        scan:
        while (offset < max) {
            List<Entry> chunk = entries(offset, 1024);
            if (chunk.isEmpty()) {
                break;
            }
            for (Entry e : chunk) {
                if (!e.isFiller() && e.commitLogOffset() >= commitLogMinOffset) {
                    break scan;
                }
                offset = e.queueOffset() + 1;
            }
        }
        if (offset > minLogicOffset) {
            minLogicOffset = offset;
        }
        return deleted;
    }

    /**
     * CommitLog offset of the last real (non-filler) entry of {@code file}; -1 for a file of fillers only (it
     * points at nothing, so retention may delete it); {@link Long#MAX_VALUE} for an empty or unreadable file.
     */
    private long lastEntryCommitLogOffset(MappedFile file) {
        int position = file.wrotePosition() - ENTRY_BYTES;
        if (position < 0 || !file.hold()) {
            return Long.MAX_VALUE;
        }
        try {
            for (; position >= 0; position -= ENTRY_BYTES) {
                long commitLogOffset = file.getLong(position + COMMIT_LOG_OFFSET_OFFSET);
                if (commitLogOffset != FILLER_COMMIT_LOG_OFFSET) {
                    return commitLogOffset;
                }
            }
            return FILLER_COMMIT_LOG_OFFSET;
        } finally {
            file.release();
        }
    }

    public void flush() {
        flush(0);
    }

    /** Flushes when at least {@code leastPages} pages are dirty (0: whatever is dirty); see MappedFile#flush. */
    public void flush(int leastPages) {
        files.flush(leastPages);
    }

    public void shutdown() {
        files.shutdown();
    }

    MappedFileQueue files() {
        return files;
    }

    /** Writes one entry; owned by the dispatch thread. */
    private static final class EntryWriter implements AppendCallback {
        private long commitLogOffset;
        private int size;
        private long tagsCode;

        void set(long commitLogOffset, int size, long tagsCode) {
            this.commitLogOffset = commitLogOffset;
            this.size = size;
            this.tagsCode = tagsCode;
        }

        @Override
        public int doAppend(ByteBuffer target, int position, int remainingBytes, long fileFromOffset) {
            if (remainingBytes < ENTRY_BYTES) {
                return 0;
            }
            target.putLong(position + COMMIT_LOG_OFFSET_OFFSET, commitLogOffset);
            target.putInt(position + SIZE_OFFSET, size);
            target.putLong(position + TAGS_CODE_OFFSET, tagsCode);
            return ENTRY_BYTES;
        }
    }
}
