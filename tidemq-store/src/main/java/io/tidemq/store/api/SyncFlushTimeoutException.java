package io.tidemq.store.api;

/**
 * In SYNC flush mode the record was appended but not confirmed durable within {@code syncFlushTimeoutMs}. The record may or may not survive a crash; the producer should treat the send as failed and may retry (duplicates are possible).
 */
public class SyncFlushTimeoutException extends StoreException {

    /** Where the put landed in the CommitLog and its queue; null when not known. */
    private final transient PutResult appended;

    public SyncFlushTimeoutException(String message) {
        super(message);
        this.appended = null;
    }

    /** @param appended where the put that timed out landed (it is in the CommitLog, not yet confirmed durable) */
    public SyncFlushTimeoutException(String message, PutResult appended) {
        super(message);
        this.appended = appended;
    }

    public SyncFlushTimeoutException(String message, Throwable cause) {
        super(message, cause);
        this.appended = null;
    }

    /**
     * Where the put landed (message ids, queue offset), so the sender can still be told which message is
     * stored; null when not known.
     */
    public PutResult appended() {
        return appended;
    }
}
