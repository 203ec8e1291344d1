package io.tidemq.store.file;

import java.nio.ByteBuffer;

/**
 * Encodes straight into a mapped file, so an append costs one copy of the payload and no intermediate buffer.
 * Called with the file's append lock held by the caller; implementations own no lock themselves.
 */
@FunctionalInterface
public interface AppendCallback {

    /**
     * Writes at absolute index {@code position} of {@code target} (never move its position/limit except to
     * compute a checksum, and restore nothing: the buffer is a private view) and returns how many bytes were
     * written. Returning 0 means nothing fitted and the file should be treated as full.
     *
     * @param target          view of the whole mapped file, exclusively the caller's while it holds the lock
     * @param position        first free byte in the file
     * @param remainingBytes  free bytes from {@code position} to the end of the file
     * @param fileFromOffset  the file's starting offset in its queue (the file name)
     */
    int doAppend(ByteBuffer target, int position, int remainingBytes, long fileFromOffset);
}
