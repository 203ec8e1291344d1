package io.tidemq.store.recovery;

import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.file.Durability;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code lock} and {@code abort} files of a store directory. The lock (an OS file lock, released by the
 * kernel even on {@code kill -9}) keeps a second process from opening the same store. The abort marker exists
 * while the store runs and is deleted by a clean shutdown, so finding it at start means the last run crashed.
 */
public final class StoreDirectoryGuard implements AutoCloseable {

    public static final String LOCK_FILE = "lock";
    public static final String ABORT_FILE = "abort";

    private final Path storePath;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean previousRunAborted;

    private StoreDirectoryGuard(Path storePath, FileChannel lockChannel, FileLock lock, boolean previousRunAborted) {
        this.storePath = storePath;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.previousRunAborted = previousRunAborted;
    }

    /**
     * Locks the directory and creates the abort marker.
     *
     * @throws StoreIOException when another process holds the store, or the files cannot be created
     */
    public static StoreDirectoryGuard acquire(Path storePath) {
        FileChannel channel = null;
        try {
            Files.createDirectories(storePath);
            channel = FileChannel.open(storePath.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreIOException("store directory " + storePath + " is in use by another store (process"
                        + " or instance); stop it first or use another storePath");
            }
            Path abort = storePath.resolve(ABORT_FILE);
            boolean aborted = Files.exists(abort);
            if (!aborted) {
                Files.createFile(abort);
                Durability.namespaceChanged(abort);
                // durable before anything is written: an OS crash must never make the next start look clean
                try (FileChannel marker = FileChannel.open(abort, StandardOpenOption.WRITE)) {
                    marker.force(true);
                }
                Durability.fileForced(abort);
                forceDirectory(storePath);
            }
            return new StoreDirectoryGuard(storePath, channel, lock, aborted);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreIOException("cannot lock " + storePath + ": " + e + "; check permissions", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Whether the abort marker was present at start: the previous run did not shut down cleanly. */
    public boolean previousRunAborted() {
        return previousRunAborted;
    }

    /** Clean shutdown: removes the abort marker (call only after everything is flushed). */
    public void markCleanShutdown() {
        try {
            Files.deleteIfExists(storePath.resolve(ABORT_FILE));
            Durability.namespaceChanged(storePath.resolve(ABORT_FILE));
            forceDirectory(storePath);
        } catch (IOException e) {
            throw new StoreIOException("cannot delete the abort marker in " + storePath + ": " + e, e);
        }
    }

    /** Releases the directory lock (the abort marker stays unless {@link #markCleanShutdown()} ran). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it anyway
        }
        closeQuietly(lockChannel);
    }

    /** Makes a directory's entries durable (a created or deleted marker). */
    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
        Durability.fileForced(directory);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing useful to do
            }
        }
    }
}
