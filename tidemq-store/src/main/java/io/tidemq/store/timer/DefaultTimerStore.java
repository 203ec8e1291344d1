package io.tidemq.store.timer;

import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.timer.TimerCheckpoint;
import io.tidemq.store.api.timer.TimerLogRecord;
import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The persistent timer index behind {@link TimerStore}: a {@link TimerLog} of scheduled entries, a {@link TimerSlots}
 * ring pointing at the newest entry of each slot, and a checkpoint ({@link TimerCheckpointFile}). The recovery
 * contract is {@link TimerStore}'s; {@link #open(TimerStoreConfig, long)} carries it out.
 *
 * <p>Threading: single-threaded (the timer service's scan thread).
 */
public final class DefaultTimerStore implements TimerStore {

    private static final Logger log = LoggerFactory.getLogger(DefaultTimerStore.class);

    private final TimerStoreConfig config;
    private final TimerLog timerLog;
    private final TimerSlots slots;
    private final Recovery recovery;
    private TimerCheckpoint lastCheckpoint;
    private boolean closed;


    private DefaultTimerStore(TimerStoreConfig config, TimerLog timerLog, TimerSlots slots, Recovery recovery) {
        this.config = config;
        this.timerLog = timerLog;
        this.slots = slots;
        this.recovery = recovery;
        this.lastCheckpoint = recovery.checkpoint();
    }

    /**
     * Opens (creating when absent) and recovers the timer store; see {@link TimerStore} for the contract. For a
     * store whose CommitLog end is unknown (tests, tools); the message store uses
     * {@link #open(TimerStoreConfig, long)} ({@code MessageStore.openTimerStore}).
     *
     * @throws StoreIOException when the files cannot be read or were written with another precision
     */
    public static DefaultTimerStore open(TimerStoreConfig config) {
        return open(config, Long.MAX_VALUE);
    }

    /**
     * Opens and recovers the timer store, dropping entries whose CommitLog record ends past
     * {@code commitLogEndOffset} (the message store's recovered end, {@code lastRecovery().endOffset()}): that
     * record was lost with the CommitLog's tail, and a later record at the same offset must not be delivered
     * in its place.
     *
     * @throws StoreIOException when the files cannot be read or were written with another precision
     */
    public static DefaultTimerStore open(TimerStoreConfig config, long commitLogEndOffset) {
        try {
            Files.createDirectories(config.dir());
        } catch (IOException e) {
            throw new StoreIOException("cannot create the timer directory " + config.dir() + ": " + e.getMessage(), e);
        }
        TimerCheckpoint checkpoint = TimerCheckpointFile.load(config.dir());
        TimerLog timerLog = TimerLog.open(config.logDir(), config.logSegmentBytes());
        // checked before the slot file is touched: a refused open must leave it as it was (storage-audit #7)
        long previous = TimerSlots.writtenPrecisionMs(config.slotFile());
        if (previous != 0 && previous != config.precisionMs() && timerLog.writePosition() > timerLog.minPosition()) {
            timerLog.close();
            throw new StoreIOException("the timer store in " + config.dir() + " was written with timerPrecisionMs="
                    + previous + " and still holds scheduled entries; restart with timerPrecisionMs=" + previous
                    + " (it may change once no delayed message is pending)");
        }
        TimerSlots slots;
        try {
            slots = TimerSlots.open(config.slotFile(), config.precisionMs(), config.slotCount());
        } catch (RuntimeException e) {
            timerLog.close();
            throw e;
        }
        long dropped = 0;
        if (!checkpoint.clean()) {
            if (timerLog.writePosition() < checkpoint.logEndPosition()) {
                log.warn("timer log ends at {} but the checkpoint says {} was durable; entries were lost with the"
                        + " disk cache and their messages may stay undelivered", timerLog.writePosition(),
                        checkpoint.logEndPosition());
            }
            dropped = timerLog.truncate(checkpoint.logEndPosition());
        }
        boolean pointsPastEnd = timerLog.maxCommitLogEnd() > commitLogEndOffset;
        boolean rebuild = !checkpoint.clean() || slots.wasReinitialized() || timerLog.badEntries() > 0
                || pointsPastEnd;
        long droppedPastEnd = 0;
        if (rebuild) {
            droppedPastEnd = rebuildSlots(timerLog, slots, checkpoint.deliveredCursorMs(), commitLogEndOffset);
            timerLog.flush();
        }
        if (droppedPastEnd > 0) {
            log.warn("timer store {}: dropped {} entr(y/ies) whose TIDEMQ_SYS_TIMER record lies past the recovered"
                    + " CommitLog end {} (lost with the CommitLog tail); those scheduled messages are not delivered",
                    config.dir(), droppedPastEnd, commitLogEndOffset);
        }
        long pending = slots.entriesFrom(checkpoint.deliveredCursorMs());
        Recovery recovery = new Recovery(checkpoint, checkpoint.clean(), dropped, rebuild, pending,
                timerLog.badEntries(), droppedPastEnd);
        DefaultTimerStore store = new DefaultTimerStore(config, timerLog, slots, recovery);
        store.lastCheckpoint = new TimerCheckpoint(checkpoint.indexedQueueOffset(), timerLog.writePosition(),
                checkpoint.deliveredCursorMs(), System.currentTimeMillis(), false);
        slots.force();
        TimerCheckpointFile.store(store.lastCheckpoint, config.dir());
        log.info("timer store {} opened ({} shutdown): {} pending entries, {} dropped past the checkpoint, slots {}",
                config.dir(), checkpoint.clean() ? "clean" : "unclean", pending, dropped,
                rebuild ? "rebuilt" : "kept");
        return store;
    }

    /**
     * Re-links every entry of a slot at or after {@code cursorMs}, in log order, skipping entries that fail their
     * CRC (storage-audit #6) and entries dropped because their CommitLog record lies at or past
     * {@code commitLogEndOffset} (storage-audit #8; they are marked {@link TimerLogRecord#FLAG_DROPPED} so no
     * later rebuild links them again). An entry whose chain link must change to skip such an entry is rewritten.
     * When two slots share a ring position the later one wins: the service only reuses a position once the
     * earlier slot is delivered.
     *
     * @return entries newly dropped
     */
    private static long rebuildSlots(TimerLog timerLog, TimerSlots slots, long cursorMs, long commitLogEndOffset) {
        slots.clear();
        long[] dropped = {0};
        timerLog.forEach((position, r) -> {
            if (r.isDropped()) {
                return;
            }
            if (r.commitLogOffset() + r.sizeBytes() > commitLogEndOffset) {
                timerLog.rewrite(position, r.dropped());
                dropped[0]++;
                return;
            }
            if (r.slotTimeMs() < cursorMs) {
                return;
            }
            long slot = r.slotTimeMs();
            long occupant = slots.occupantOf(slot);
            long prev;
            int count;
            if (occupant == slot) {
                prev = slots.headOf(slot);
                count = slots.countOf(slot) + 1;
            } else if (occupant == Long.MIN_VALUE || occupant < slot) {
                prev = TimerLogRecord.NO_POSITION;
                count = 1;
            } else {
                return;
            }
            if (r.prevPosition() != prev) {
                timerLog.rewrite(position, r.withPrevPosition(prev));
            }
            slots.set(slot, position, count);
        });
        return dropped[0];
    }

    @Override
    public Recovery recovery() {
        return recovery;
    }

    @Override
    public long precisionMs() {
        return config.precisionMs();
    }

    /** The start of the slot containing {@code timeMs}. */
    @Override
    public long slotTimeOf(long timeMs) {
        return slots.slotTimeOf(timeMs);
    }

    /** How long a span the slot ring covers before positions are reused. */
    @Override
    public long ringSpanMs() {
        return config.precisionMs() * config.slotCount();
    }

    /**
     * Appends an entry and links it into its slot, unless the slot's ring position still holds an earlier slot
     * that is not delivered yet (one at or after {@code cursorMs}); the caller then retries after delivery
     * moved on.
     *
     * @return the entry's position, or {@link TimerLogRecord#NO_POSITION} when the ring position is taken
     */
    @Override
    public long append(long deliverAtMs, long slotTimeMs, long commitLogOffset, int sizeBytes, int flags,
                       long cursorMs) {
        if (slotTimeMs != slots.slotTimeOf(slotTimeMs)) {
            throw new IllegalArgumentException("slotTimeMs " + slotTimeMs + " is not a multiple of the precision "
                    + config.precisionMs());
        }
        long occupant = slots.occupantOf(slotTimeMs);
        if (occupant != Long.MIN_VALUE && occupant != slotTimeMs && occupant >= cursorMs) {
            return TimerLogRecord.NO_POSITION;
        }
        long position = timerLog.append(new TimerLogRecord(deliverAtMs, slotTimeMs, commitLogOffset, sizeBytes,
                flags, slots.headOf(slotTimeMs)));
        slots.link(slotTimeMs, position);
        return position;
    }

    /** Entries in slot {@code slotTimeMs}. */
    @Override
    public int countOf(long slotTimeMs) {
        return slots.countOf(slotTimeMs);
    }

    /** The newest entry of slot {@code slotTimeMs}; walk on through {@link TimerLogRecord#prevPosition()}. */
    @Override
    public long headOf(long slotTimeMs) {
        return slots.headOf(slotTimeMs);
    }

    /** The entry at {@code position}, or null when it is not held (deleted, never written, corrupt). */
    @Override
    public TimerLogRecord read(long position) {
        return position < 0 ? null : timerLog.read(position);
    }

    /** Entries in slots at or after {@code cursorMs}. O(slot count). */
    @Override
    public long entriesFrom(long cursorMs) {
        return slots.entriesFrom(cursorMs);
    }

    @Override
    public long logWritePosition() {
        return timerLog.writePosition();
    }

    @Override
    public int logSegmentCount() {
        return timerLog.segmentCount();
    }

    /** The last checkpoint written. */
    @Override
    public TimerCheckpoint lastCheckpoint() {
        return lastCheckpoint;
    }

    /**
     * Forces the timer log, then records that every queue offset below {@code indexedQueueOffset} is in the log
     * and every slot before {@code deliveredCursorMs} is delivered. Then deletes log segments wholly before the
     * cursor that was just made durable.
     */
    @Override
    public void checkpoint(long indexedQueueOffset, long deliveredCursorMs, long nowMs) {
        timerLog.flush();
        TimerCheckpoint next = new TimerCheckpoint(indexedQueueOffset, timerLog.writePosition(), deliveredCursorMs,
                nowMs, false);
        TimerCheckpointFile.store(next, config.dir());
        lastCheckpoint = next;
        timerLog.deleteSegmentsBefore(deliveredCursorMs);
    }

    /** Clean close: forces everything and writes a clean checkpoint. Idempotent. */
    @Override
    public void close(long indexedQueueOffset, long deliveredCursorMs, long nowMs) {
        if (closed) {
            return;
        }
        closed = true;
        timerLog.flush();
        slots.force();
        lastCheckpoint = new TimerCheckpoint(indexedQueueOffset, timerLog.writePosition(), deliveredCursorMs, nowMs,
                true);
        TimerCheckpointFile.store(lastCheckpoint, config.dir());
        releaseFiles();
    }

    /** Releases the files without a clean checkpoint, as a crash would (the next open repairs). */
    @Override
    public void closeAbruptly() {
        if (!closed) {
            closed = true;
            releaseFiles();
        }
    }

    private void releaseFiles() {
        slots.close();
        timerLog.close();
    }

    /**
     * Releases the files keeping the last (not clean) checkpoint, so the next open repairs from it: only the owner
     * knows the figures for a clean close, see {@link #close(long, long, long)}.
     */
    @Override
    public void close() {
        closeAbruptly();
    }
}
