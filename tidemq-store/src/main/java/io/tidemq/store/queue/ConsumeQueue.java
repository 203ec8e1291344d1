package io.tidemq.store.queue;

import io.tidemq.store.file.AppendCallback;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.file.FileIo;
import io.tidemq.store.file.MappedFileQueue;
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
        this.files = new MappedFileQueue(dir, entriesPerFile * ENTRY_BYTES, null, false, io);
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
     * Recovery: finds the end of the written entries in the last file(s) and the first real entry.
     */
    public void recover() {
        List<MappedFile> all = files.files();
        if (all.isEmpty()) {
            return;
        }
        MappedFile last = all.get(all.size() - 1);
        int end = 0;
        if (last.hold()) {
            try {
                for (int at = 0; at + ENTRY_BYTES <= last.fileSizeBytes(); at += ENTRY_BYTES) {
                    long commitLogOffset = last.getLong(at + COMMIT_LOG_OFFSET_OFFSET);
                    int size = last.getInt(at + SIZE_OFFSET);
                    if (commitLogOffset == 0 && size == 0 && last.getLong(at + TAGS_CODE_OFFSET) == 0) {
                        break;
                    }
                    end = at + ENTRY_BYTES;
                }
            } finally {
                last.release();
            }
        }
        files.truncateDirty(last.fileFromOffset() + end);
        files.setFlushedWhere(files.maxOffset());
        minLogicOffset = firstRealOffset();
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
        MappedFile file = files.lastFileForAppend(queueOffset * ENTRY_BYTES);
        file.append(writer);
        return true;
    }

    /**
     * Writes filler entries until the next entry lands at {@code queueOffset}. For an empty queue the first
     * file starts at the file boundary below {@code queueOffset}, so at most one file's worth of fillers.
     */
    private void startAt(long queueOffset) {
        writer.set(FILLER_COMMIT_LOG_OFFSET, 0, 0);
        while (maxOffset() < queueOffset) {
            files.lastFileForAppend(queueOffset * ENTRY_BYTES).append(writer);
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
        while (keep > minOffset()) {
            Entry e = entry(keep - 1);
            if (e == null || e.isFiller() || e.commitLogOffset() + e.size() <= commitLogEnd) {
                break;
            }
            keep--;
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

    private long lastEntryCommitLogOffset(MappedFile file) {
        int position = file.wrotePosition() - ENTRY_BYTES;
        if (position < 0 || !file.hold()) {
            return Long.MAX_VALUE;
        }
        try {
            return file.getLong(position + COMMIT_LOG_OFFSET_OFFSET);
        } finally {
            file.release();
        }
    }

    public void flush() {
        files.flush(0);
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
