package io.tidemq.store.api;

/**
 * Base of every failure the message store reports. Unchecked: callers on the broker map each subtype to a
 * response code, and the message of each says what the operator or client should do.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
