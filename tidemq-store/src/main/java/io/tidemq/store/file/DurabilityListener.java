package io.tidemq.store.file;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Told what the store makes durable, for a test harness that models what a power loss would keep (see
 * {@link Durability}). Implementations are called on the store's threads (flushers, dispatch, recovery, the
 * timer scan thread), often concurrently, so they must be thread-safe, and they must not call back into the store.
 */
public interface DurabilityListener {

    /**
     * {@code [fromPosition, toPosition)} of the file mapped by {@code mapping} was just forced to disk. The caller
     * holds the mapping for the duration of the call; copy what you keep.
     */
    void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition);

    /** The whole file (written through a channel, not mapped) was just forced to disk. */
    void fileForced(Path file);

    /**
     * Files or directories under {@code path} were created, deleted, renamed or resized. Not durable by itself:
     * a journaling file system commits such changes with the next fsync of any file (or on its own timer).
     */
    void namespaceChanged(Path path);
}
