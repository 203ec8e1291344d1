package io.tidemq.broker.schedule;

/**
 * How far a master's timer delivered, in terms a slave can use: its CommitLog and the timer topic's queue are the
 * master's, its timer log (a local index) is not. Published by the master's timer scan thread at a checkpoint, copied
 * to slaves in HA_METADATA and kept there in {@code <storePath>/timerReplicatedProgress.json}; a slave's timer
 * service starting as a master resumes from it instead of re-delivering what its master had delivered.
 *
 * <p>Why it is exact: every timer-topic entry below {@code indexedBelowQueueOffset} was indexed while the delivered
 * cursor was below {@code deliveredCursorMs}, so it was linked into its own slot or into a slot before that cursor
 * (never later) when its fire time is before the cursor: it is delivered. Every other entry may not be; its
 * delivery by the master, if any, happened after {@code guardFromMs}, where the restarted service's
 * {@link RedeliveryGuard} looks for it.
 *
 * @param indexedBelowQueueOffset timer-topic queue offset: entries below it firing before the cursor are delivered
 * @param deliveredCursorMs       every slot before this time is delivered (a slot time)
 * @param guardFromMs             store time from which a re-put of any other entry may already be stored
 */
public record TimerProgress(long indexedBelowQueueOffset, long deliveredCursorMs, long guardFromMs) {

    /** The file a slave keeps it in, beside the timer store's directory. */
    public static final String FILE_NAME = "timerReplicatedProgress.json";
}
