package io.tidemq.store.api.timer;

/**
 * How far the timer store is consistent: what its checkpoint file records (the file and its layout belong to
 * the implementation, {@code store.timer.TimerCheckpointFile}).
 *
 * @param indexedQueueOffset next queue offset of the timer topic not yet in the timer log
 * @param logEndPosition     timer log position up to which entries are durable and correspond to the offset above
 * @param deliveredCursorMs  every slot before this time is delivered; {@link #UNKNOWN_CURSOR} for a new store
 * @param writtenAtMs        when the checkpoint was taken
 * @param clean              whether the store was closed cleanly (slot file trustworthy)
 */
public record TimerCheckpoint(long indexedQueueOffset, long logEndPosition, long deliveredCursorMs,
                              long writtenAtMs, boolean clean) {

    public static final long UNKNOWN_CURSOR = Long.MIN_VALUE;

    /** The checkpoint of a timer store that has never run. */
    public static TimerCheckpoint initial() {
        return new TimerCheckpoint(0, 0, UNKNOWN_CURSOR, 0, true);
    }
}
