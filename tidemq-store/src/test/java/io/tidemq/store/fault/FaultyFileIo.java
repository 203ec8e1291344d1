package io.tidemq.store.fault;

import io.tidemq.store.api.FileIo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileIo} that fails on demand, for files under one directory: the next N forces fail with EIO (as
 * {@code msync} reports a write-back error, once), the next N allocations fail with ENOSPC, or the disk
 * reports a given number of free bytes.
 * Thread-safe: the counters are atomics, read by the store's threads.
 */
public final class FaultyFileIo implements FileIo {

    private final Path under;
    /** Forces still to fail. */
    private final AtomicInteger forceFailures = new AtomicInteger();
    /** Allocations still to fail. */
    private final AtomicInteger allocateFailures = new AtomicInteger();
    /** What a failing allocation reports; written before {@link #allocateFailures}. */
    private volatile String allocationError = "No space left on device";
    /** Free bytes reported for the store's disk; negative = the real figure. */
    private final AtomicLong usableBytes = new AtomicLong(-1);
    /** While non-null, forces wait for it (a stuck disk). */
    private volatile CountDownLatch forceGate;
    /** Forces that failed so far. */
    public final AtomicInteger failedForces = new AtomicInteger();

    public FaultyFileIo(Path under) {
        this.under = under;
    }

    /** The next {@code count} forces of files under the directory fail; later ones succeed again. */
    public void failNextForces(int count) {
        forceFailures.set(count);
    }

    /** The next {@code count} allocations of files under the directory fail with ENOSPC. */
    public void failNextAllocations(int count) {
        failNextAllocations(count, "No space left on device");
    }

    /** The next {@code count} allocations fail with an {@link IOException} of {@code error} (an errno's text). */
    public void failNextAllocations(int count, String error) {
        allocationError = error;
        allocateFailures.set(count);
    }

    /** Forces of files under the directory wait (as on a stuck disk) until {@link #unblockForces()}. */
    public void blockForces() {
        forceGate = new CountDownLatch(1);
    }

    public void unblockForces() {
        CountDownLatch gate = forceGate;
        forceGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** Reports {@code bytes} free on the store's disk from now on; negative = the real figure again. */
    public void reportUsableBytes(long bytes) {
        usableBytes.set(bytes);
    }

    @Override
    public long usableBytes(Path dir) {
        long reported = usableBytes.get();
        return reported >= 0 ? reported : FileIo.super.usableBytes(dir);
    }

    @Override
    public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
        if (path.startsWith(under) && allocateFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            channel.write(java.nio.ByteBuffer.allocate(4096), 0);
            throw new IOException(allocationError);
        }
        DEFAULT.allocate(path, channel, sizeBytes);
    }

    @Override
    public void allocateRange(Path path, FileChannel channel, long position, int length) throws IOException {
        if (path.startsWith(under) && allocateFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException(allocationError);
        }
        DEFAULT.allocateRange(path, channel, position, length);
    }

    @Override
    public void force(Path path, MappedByteBuffer mapped, int position, int length) {
        CountDownLatch gate = forceGate;
        if (gate != null && path.startsWith(under)) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("interrupted while the disk was stuck"));
            }
        }
        if (path.startsWith(under) && forceFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            failedForces.incrementAndGet();
            throw new UncheckedIOException(new IOException("Input/output error"));
        }
        DEFAULT.force(path, mapped, position, length);
    }
}
