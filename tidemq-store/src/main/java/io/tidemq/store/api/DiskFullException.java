package io.tidemq.store.api;

import java.io.IOException;

/**
 * The store's disk has no room: free space fell below {@code diskReserveBytes}, or the file system refused to
 * allocate a new file (ENOSPC). Puts are refused at once; reads, pulls and offsets keep working. Writes resume
 * by themselves once space is freed (retention, or an operator deleting files); no restart is needed.
 */
public class DiskFullException extends StoreIOException {

    /** Free bytes the failed operation needed (a whole new file), or 0 when unknown. */
    private final long requiredBytes;

    public DiskFullException(String message) {
        this(message, null, 0);
    }

    /** @param requiredBytes free bytes the failed operation needed (a whole new file), 0 when unknown */
    public DiskFullException(String message, Throwable cause, long requiredBytes) {
        super(message, cause);
        this.requiredBytes = requiredBytes;
    }

    /** Free bytes the failed operation needed, or 0 when unknown. */
    public long requiredBytes() {
        return requiredBytes;
    }

    /** Whether an I/O failure is the file system's "no space left on device" (ENOSPC) or quota (EDQUOT). */
    public static boolean isNoSpace(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"));
    }
}
