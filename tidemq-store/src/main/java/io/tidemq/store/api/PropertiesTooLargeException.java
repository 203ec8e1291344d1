package io.tidemq.store.api;

/**
 * The encoded properties exceed 32 KiB, the most the record's 2-byte properties length can describe.
 */
public class PropertiesTooLargeException extends InvalidMessageException {

    public PropertiesTooLargeException(String message) {
        super(message);
    }

    public PropertiesTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
