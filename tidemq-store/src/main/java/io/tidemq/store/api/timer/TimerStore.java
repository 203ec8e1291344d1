package io.tidemq.store.api.timer;

/**
 * The persistent timer index, opened through {@code MessageStore.openTimerStore}: a log of scheduled entries, a
 * ring of slots pointing at the newest entry of each slot, and a {@link TimerCheckpoint}. It knows nothing of
 * messages: the broker's timer service decides which slot an entry goes to and delivers what a slot holds. Heap
 * use is constant in the number of entries (everything lives in mapped files).
 *
 * <p>Recovery contract (on open): after a clean close the files are used as they are. Otherwise the timer log is
 * cut back to the checkpoint's {@code logEndPosition} (entries past it are re-indexed by the caller from the
 * checkpoint's {@code indexedQueueOffset}) and the slot ring is rebuilt from the log for every slot at or after
 * the checkpoint's delivered cursor. Either way the store is then marked running (not clean) on disk, so a crash
 * at any later moment leads to the same repair. {@link #recovery()} says what was found.
 *
 * <p>Threading: single-threaded (the timer service's scan thread).
 */
public interface TimerStore extends AutoCloseable {

    /**
     * What opening the store found and repaired.
     *
     * @param checkpoint     the checkpoint the store resumed from
     * @param wasClean       whether the previous run closed cleanly
     * @param droppedEntries timer log entries past the checkpoint that were cut (to be re-indexed)
     * @param slotsRebuilt   whether the slot ring was rebuilt from the log
     * @param pendingEntries entries in slots at or after the delivered cursor
     * @param badEntries     entries below the end of the log that failed their CRC (skipped and reported)
     * @param droppedPastCommitLogEnd entries dropped because their CommitLog record lies past the recovered end
     */
    public record Recovery(TimerCheckpoint checkpoint, boolean wasClean, long droppedEntries, boolean slotsRebuilt,
                           long pendingEntries, long badEntries, long droppedPastCommitLogEnd) {
    }

    Recovery recovery();

    long precisionMs();

    /** The start of the slot containing {@code timeMs}. */
    long slotTimeOf(long timeMs);

    /** How long a span the slot ring covers before positions are reused. */
    long ringSpanMs();

    /**
     * Appends an entry and links it into its slot, unless the slot's ring position still holds an earlier slot
     * that is not delivered yet (one at or after {@code cursorMs}); the caller then retries after delivery
     * moved on.
     *
     * @return the entry's position, or {@link TimerLogRecord#NO_POSITION} when the ring position is taken
     */
    long append(long deliverAtMs, long slotTimeMs, long commitLogOffset, int sizeBytes, int flags, long cursorMs);

    /** Entries in slot {@code slotTimeMs}. */
    int countOf(long slotTimeMs);

    /** The newest entry of slot {@code slotTimeMs}; walk on through {@link TimerLogRecord#prevPosition()}. */
    long headOf(long slotTimeMs);

    /** The entry at {@code position}, or null when it is not held (deleted, never written, corrupt). */
    TimerLogRecord read(long position);

    /** Entries in slots at or after {@code cursorMs}. O(slot count). */
    long entriesFrom(long cursorMs);

    long logWritePosition();

    int logSegmentCount();

    /** The last checkpoint written. */
    TimerCheckpoint lastCheckpoint();

    /**
     * Forces the timer log, then records that every queue offset below {@code indexedQueueOffset} is in the log
     * and every slot before {@code deliveredCursorMs} is delivered. Then deletes log segments wholly before the
     * cursor that was just made durable.
     */
    void checkpoint(long indexedQueueOffset, long deliveredCursorMs, long nowMs);

    /** Clean close: forces everything and writes a clean checkpoint. Idempotent. */
    void close(long indexedQueueOffset, long deliveredCursorMs, long nowMs);

    /** Releases the files without a clean checkpoint, as a crash would (the next open repairs). */
    void closeAbruptly();

    /**
     * Releases the files keeping the last (not clean) checkpoint, so the next open repairs from it: only the owner
     * knows the figures for a clean close, see {@link #close(long, long, long)}.
     */
    @Override
    void close();
}
