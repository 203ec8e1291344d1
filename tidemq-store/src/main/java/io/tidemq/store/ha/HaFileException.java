package io.tidemq.store.ha;

import io.tidemq.store.api.StoreException;

/**
 * A replication file of the store ({@code ha/replica.meta}, {@code ha/epoch}) is damaged, missing where it must
 * exist, or does not belong to this broker. The message names the file and what the operator should do.
 */
public class HaFileException extends StoreException {

    public HaFileException(String message) {
        super(message);
    }

    public HaFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
