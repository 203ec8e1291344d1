package io.tidemq.store.api;

/**
 * An I/O failure of the store's files (disk full, permission, missing file). The message names the file; fix the disk and restart.
 */
public class StoreIOException extends StoreException {

    public StoreIOException(String message) {
        super(message);
    }

    public StoreIOException(String message, Throwable cause) {
        super(message, cause);
    }
}
