package io.tidemq.store;

/**
 * In SYNC flush mode the record was appended but not confirmed durable within {@code syncFlushTimeoutMs}. The record may or may not survive a crash; the producer should treat the send as failed and may retry (duplicates are possible).
 */
public class SyncFlushTimeoutException extends StoreException {

    public SyncFlushTimeoutException(String message) {
        super(message);
    }

    public SyncFlushTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
