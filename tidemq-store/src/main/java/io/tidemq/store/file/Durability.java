package io.tidemq.store.file;

import io.tidemq.common.io.AtomicFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The store's one seam for observing durability: every successful force of a mapped range, every forced
 * channel write (checkpoints) and every change to the set of files is reported to the installed
 * {@link DurabilityListener}. Production installs none; each report is then one volatile read and a null check
 * next to a system call. The power-loss simulator (tests) installs one to keep a shadow of what is on disk.
 *
 * <p>Threads: the listener field is written by tests only, before and after a store runs; read by any thread.
 */
public final class Durability {

    /** {@link AtomicFile}'s system calls with each success reported here; the store's checkpoints use it. */
    public static final AtomicFile.Io ATOMIC_FILE_IO = new AtomicFile.Io() {
        @Override
        public void writeAndForce(Path tmp, ByteBuffer data) throws IOException {
            AtomicFile.SYSTEM.writeAndForce(tmp, data);
            fileForced(tmp);
        }

        @Override
        public void rename(Path tmp, Path file) throws IOException {
            AtomicFile.SYSTEM.rename(tmp, file);
            namespaceChanged(file);
        }

        @Override
        public boolean forceDirectory(Path directory) throws IOException {
            boolean forced = AtomicFile.SYSTEM.forceDirectory(directory);
            if (forced) {
                fileForced(directory);
            }
            return forced;
        }
    };

    /** Installed by tests; null in production. */
    private static volatile DurabilityListener listener;

    private Durability() {
    }

    /** Installs {@code newListener} (null removes it); returns the previous one. Tests only. */
    public static DurabilityListener install(DurabilityListener newListener) {
        DurabilityListener previous = listener;
        listener = newListener;
        return previous;
    }

    /** Reports a successful force of {@code [fromPosition, toPosition)} of {@code file}'s mapping. */
    public static void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition) {
        DurabilityListener l = listener;
        if (l != null) {
            l.forced(file, mapping, fromPosition, toPosition);
        }
    }

    /** Reports a successful {@code FileChannel.force} of the whole of {@code file}. */
    public static void fileForced(Path file) {
        DurabilityListener l = listener;
        if (l != null) {
            l.fileForced(file);
        }
    }

    /** Reports that files under {@code path} were created, deleted, renamed or resized. */
    public static void namespaceChanged(Path path) {
        DurabilityListener l = listener;
        if (l != null) {
            l.namespaceChanged(path);
        }
    }
}
