package io.tidemq.store.api;

/** Outcome of {@code getMessages}. */
public enum GetStatus {
    /** At least one message returned. */
    FOUND,
    /** Nothing to return now: the offset is the queue's end, or every inspected entry was filtered out. */
    NO_MESSAGE,
    /** The offset is below the queue's minimum (deleted by retention); restart from {@code nextBeginOffset}. */
    OFFSET_TOO_SMALL,
    /** The offset is past the queue's end; restart from {@code nextBeginOffset}. */
    OFFSET_TOO_BIG
}
