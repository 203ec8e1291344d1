package io.tidemq.store.api;

/**
 * The store is not running: it was never started or has been closed.
 */
public class StoreClosedException extends StoreException {

    public StoreClosedException(String message) {
        super(message);
    }

    public StoreClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
