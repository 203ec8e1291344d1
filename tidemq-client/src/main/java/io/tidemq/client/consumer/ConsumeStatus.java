package io.tidemq.client.consumer;

/** The outcome of one listener call, for the whole batch it was given. */
public enum ConsumeStatus {
    /** Consumed: the messages' offsets may be committed. */
    SUCCESS,
    /** Not consumed: the messages are delivered again later, and no offset is committed past them. */
    RETRY
}
