package io.tidemq.store.file;

import io.tidemq.store.api.StoreIOException;

/**
 * A mapped file was shut down (deleted by retention, or the store closed) while a thread was still allocating
 * it. Expected at shutdown: the allocator thread stops quietly on it. An appender never sees it while the store
 * is open, since files are shut down only after appends are closed or once they are below the retained range.
 */
public final class FileShutDownException extends StoreIOException {

    public FileShutDownException(String message, Throwable cause) {
        super(message, cause);
    }
}
