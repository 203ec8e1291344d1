package io.tidemq.broker.metrics;

import io.micrometer.core.instrument.Timer;
import io.tidemq.store.api.FileIo;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Times each fsync ({@code msync} of a mapped range) of the CommitLog for {@code tidemq_store_fsync_duration_seconds}:
 * a {@link FileIo} around the store's real one, handed to the store through its configuration, so the store's flush
 * services stay unchanged. Forces of other files (ConsumeQueue, index) pass through untimed; a force that fails is
 * timed too (a failing disk is often a slow one).
 *
 * <p>Thread-safe: called by the flush threads; {@code timer} is written once by {@link #bind} before the store starts
 * and read by those threads.
 *
 * <p>Every method of {@link FileIo} is passed to the delegate: a default left in place silently changes how the
 * broker's store allocates or forces (FsyncTimerTest checks that none is).
 */
public final class FsyncTimer implements FileIo {

    private final FileIo delegate;
    private final Path commitLogDir;
    /** Null until {@link #bind}: forces before it (none in practice: the store is not started yet) go untimed. */
    private volatile Timer timer;

    /** @param commitLogDir the CommitLog's directory: forces of files under it are timed */
    public FsyncTimer(FileIo delegate, Path commitLogDir) {
        this.delegate = delegate;
        this.commitLogDir = commitLogDir.toAbsolutePath().normalize();
    }

    /** Where the durations go from now on. */
    public void bind(Timer fsyncDuration) {
        this.timer = fsyncDuration;
    }

    @Override
    public void force(Path path, MappedByteBuffer mapped, int position, int length) {
        Timer t = timer;
        if (t == null || !path.toAbsolutePath().normalize().startsWith(commitLogDir)) {
            delegate.force(path, mapped, position, length);
            return;
        }
        long start = System.nanoTime();
        try {
            delegate.force(path, mapped, position, length);
        } finally {
            t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
        delegate.allocate(path, channel, sizeBytes);
    }

    @Override
    public void allocateRange(Path path, FileChannel channel, long position, int length) throws IOException {
        delegate.allocateRange(path, channel, position, length);
    }

    /**
     * Passed on like every other method: without it the interface's default (false: "cannot reserve") made every
     * broker write its store files as zeros instead of reserving them with fallocate (FsyncTimerTest).
     */
    @Override
    public boolean reserve(Path path, FileChannel channel, long position, long length) throws IOException {
        return delegate.reserve(path, channel, position, length);
    }

    @Override
    public long usableBytes(Path dir) {
        return delegate.usableBytes(dir);
    }
}
