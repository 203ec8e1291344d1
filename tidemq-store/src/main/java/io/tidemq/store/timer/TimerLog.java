package io.tidemq.store.timer;

import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.timer.TimerLogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The append-only timer log: {@link TimerLogRecord}s in memory-mapped segments of {@code segmentBytes}, addressed
 * by a global position (segment start + offset). Entries of one slot are chained backwards through their
 * {@code prevPosition}, so the log plus a slot's head is the whole slot.
 *
 * <p>Threading: single-threaded. The timer service's scan thread (and recovery before it starts) is the only
 * user; nothing here is synchronized.
 */
public final class TimerLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TimerLog.class);

    private final Path dir;
    private final int segmentBytes;
    /** Ascending by start position; the last one is the one appended to. */
    private final List<TimerLogSegment> segments = new ArrayList<>();
    private long writePosition;
    /** Invalid entries between valid ones, counted by open. */
    private long badEntries;
    /** Largest CommitLog end (offset + size) any entry not dropped points at, found by open. */
    private long maxCommitLogEnd = -1;

    private TimerLog(Path dir, int segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Maps the existing segments and finds the end of the written entries (the first position holding no valid
     * entry). Call {@link #truncate} next when the checkpoint says less was durable.
     */
    static TimerLog open(Path dir, int segmentBytes) {
        TimerLog timerLog = new TimerLog(dir, segmentBytes);
        try {
            Files.createDirectories(dir);
            List<Long> starts = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}"))
                        .forEach(n -> starts.add(Long.parseLong(n)));
            }
            starts.sort(null);
            for (long start : starts) {
                timerLog.segments.add(TimerLogSegment.open(dir, start, segmentBytes));
            }
        } catch (IOException e) {
            throw new StoreIOException("cannot open the timer log in " + dir + ": " + e.getMessage(), e);
        }
        timerLog.writePosition = timerLog.scanEnd();
        return timerLog;
    }

    /**
     * Walks every entry of every segment, noting slot times. The end is the position after the last valid entry
     * anywhere (storage-audit #6): an entry that fails its CRC, or an unwritten (zero) entry, followed by valid
     * ones is damage in the middle; it is counted in {@link #badEntries()}, reported, and skipped by every reader,
     * never taken for the end of the log.
     */
    private long scanEnd() {
        long expected = segments.isEmpty() ? 0 : segments.get(0).startPosition();
        long end = expected;
        long firstBad = -1;
        for (int i = 0; i < segments.size(); i++) {
            TimerLogSegment segment = segments.get(i);
            if (segment.startPosition() != expected) {
                log.error("timer log segment {} does not follow position {}; ignoring it and everything after (move"
                        + " those files out of {} if they matter)", segment, expected, dir);
                while (segments.size() > i) {
                    segments.remove(segments.size() - 1).close();
                }
                break;
            }
            for (long p = segment.startPosition(); p < segment.endPosition(); p += TimerLogRecord.BYTES) {
                TimerLogRecord r = segment.read(p);
                if (r == null) {
                    continue;
                }
                segment.noteSlotTime(r.slotTimeMs());
                if (!r.isDropped()) {
                    maxCommitLogEnd = Math.max(maxCommitLogEnd, r.commitLogOffset() + r.sizeBytes());
                }
                if (p > end) {
                    badEntries += (p - end) / TimerLogRecord.BYTES;
                    firstBad = firstBad < 0 ? end : firstBad;
                }
                end = p + TimerLogRecord.BYTES;
            }
            expected = segment.endPosition();
        }
        if (badEntries > 0) {
            log.warn("timer log {}: {} damaged or unwritten entr(y/ies) between valid ones, the first at position {};"
                    + " they are skipped (their messages, if any, are not delivered by the timer)", dir, badEntries,
                    firstBad);
        }
        return end;
    }

    /** Largest CommitLog end (offset + size) of an entry not dropped, as found by open; -1 for none. */
    long maxCommitLogEnd() {
        return maxCommitLogEnd;
    }

    /** Entries below the write position that hold no valid entry (damage found by the last open). */
    public long badEntries() {
        return badEntries;
    }

    /** Position one past the last entry. */
    public long writePosition() {
        return writePosition;
    }

    /** Position of the oldest entry still held. */
    public long minPosition() {
        return segments.isEmpty() ? writePosition : segments.get(0).startPosition();
    }

    /** Appends an entry; returns its position. */
    public long append(TimerLogRecord record) {
        TimerLogSegment segment = segments.isEmpty() ? null : segmentFor(writePosition);
        if (segment == null) {
            segment = TimerLogSegment.open(dir, writePosition, segmentBytes);
            segments.add(segment);
        }
        long position = writePosition;
        segment.write(position, record);
        writePosition += TimerLogRecord.BYTES;
        return position;
    }

    /** Recovery only: rewrites the valid entry at {@code position} (relinked or marked dropped). */
    void rewrite(long position, TimerLogRecord record) {
        if (position < minPosition() || position >= writePosition || position % TimerLogRecord.BYTES != 0) {
            throw new IllegalArgumentException("no timer log entry at " + position);
        }
        segmentFor(position).write(position, record);
    }

    /** The entry at {@code position}, or null when the position is not held or holds no valid entry. */
    public TimerLogRecord read(long position) {
        if (position < minPosition() || position >= writePosition || position % TimerLogRecord.BYTES != 0) {
            return null;
        }
        TimerLogSegment segment = segmentFor(position);
        return segment == null ? null : segment.read(position);
    }

    private TimerLogSegment segmentFor(long position) {
        long first = segments.get(0).startPosition();
        int index = (int) ((position - first) / segmentBytes);
        if (index >= 0 && index < segments.size() && segments.get(index).contains(position)) {
            return segments.get(index);
        }
        for (TimerLogSegment s : segments) {
            if (s.contains(position)) {
                return s;
            }
        }
        return null;
    }

    /** Calls {@code visitor(position, entry)} for each entry from the oldest held to the write position. */
    public void forEach(BiConsumer<Long, TimerLogRecord> visitor) {
        for (long p = minPosition(); p < writePosition; p += TimerLogRecord.BYTES) {
            TimerLogRecord r = read(p);
            if (r != null) {
                visitor.accept(p, r);
            }
        }
    }

    /**
     * Recovery: drops every entry at or after {@code position} (zeroed in its segment, later segments deleted).
     *
     * @return how many entries were dropped
     */
    long truncate(long position) {
        if (position >= writePosition) {
            return 0;
        }
        long dropped = (writePosition - Math.max(position, minPosition())) / TimerLogRecord.BYTES;
        for (int i = segments.size() - 1; i >= 0; i--) {
            TimerLogSegment s = segments.get(i);
            if (i > 0 && s.startPosition() >= position) {
                s.delete(); // wholly past the durable end; the first segment is kept to anchor positions
                segments.remove(i);
            } else if (s.endPosition() > position) {
                s.truncateFrom(Math.max(position, s.startPosition()));
            } else {
                break;
            }
        }
        writePosition = Math.max(position, minPosition());
        return dropped;
    }

    /** Forces written entries to disk. */
    public void flush() {
        for (TimerLogSegment s : segments) {
            s.force();
        }
    }

    /**
     * Deletes whole segments, oldest first, whose entries all sit in slots before {@code cursorMs} (delivered).
     * The segment being appended to stays.
     *
     * @return segments deleted
     */
    public int deleteSegmentsBefore(long cursorMs) {
        int deleted = 0;
        while (segments.size() > 1 && segments.get(0).maxSlotTimeMs() < cursorMs) {
            TimerLogSegment s = segments.remove(0);
            s.delete();
            deleted++;
            log.debug("deleted delivered timer log segment {}", s);
        }
        return deleted;
    }

    public int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() {
        for (TimerLogSegment s : segments) {
            s.close();
        }
        segments.clear();
    }
}
