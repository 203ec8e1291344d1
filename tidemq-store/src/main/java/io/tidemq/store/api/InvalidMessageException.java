package io.tidemq.store.api;

/**
 * A message the store refuses to append because it breaks a limit of the storage format or of the configuration.
 */
public class InvalidMessageException extends StoreException {

    public InvalidMessageException(String message) {
        super(message);
    }

    public InvalidMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
