package io.tidemq.store.api;

/**
 * An fsync of store data failed, so the store has stopped acknowledging writes (fail-stop). Linux reports a
 * write-back error once and may drop the failed pages, so a retried fsync that "succeeds" proves nothing: the
 * bytes after the last successful fsync may never reach the disk. Every pending and later put fails with this
 * exception until restart; reads keep working. Check the disk (dmesg, SMART), then restart the broker: recovery
 * verifies every record after the last checkpoint by its checksum.
 */
public class FsyncFailedException extends StoreIOException {

    public FsyncFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
