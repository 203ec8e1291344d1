package io.tidemq.store.api;

/**
 * Outcome of a successful put. Failures are not statuses: the put's future completes exceptionally with a
 * typed {@link StoreException} ({@link MessageTooLargeException}, {@link SyncFlushTimeoutException},
 * {@link StoreClosedException}, {@link StoreIOException}, ...).
 */
public enum PutStatus {
    /** Appended; in SYNC flush mode also durable. */
    PUT_OK
}
