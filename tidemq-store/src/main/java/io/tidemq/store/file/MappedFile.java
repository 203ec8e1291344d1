package io.tidemq.store.file;

import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One fixed-size file of a {@link MappedFileQueue}, memory-mapped whole. The file name is the 20-digit
 * zero-padded offset of its first byte in the queue.
 *
 * <p>Positions: the <em>write</em> position is the end of what has been appended (and, in this mmap-only
 * implementation, also the <em>commit</em> position: bytes are visible to readers as soon as they are
 * written); the <em>flush</em> position is the end of what {@code msync} has made durable.
 *
 * <p>Threads: exactly one appender at a time (the owner's append lock); the write position is published
 * with release semantics after the bytes, so a reader that reads the position sees complete bytes below it.
 * One flusher at a time (the owner's flush thread). Any number of readers, each bracketing its access with
 * {@link #hold()} / {@link #release()}: the mapping is released only when the last holder is gone, so
 * deleting a file never crashes a reader with a SIGSEGV on unmapped memory.
 */
public final class MappedFile {

    public static final int OS_PAGE_BYTES = StoreConfig.OS_PAGE_BYTES;

    private static final Logger log = LoggerFactory.getLogger(MappedFile.class);
    /** Atomic int access to mapped pages, for the warm-up's write-touch that cannot clobber appended bytes. */
    private static final VarHandle PAGE_TOUCH = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    /** Warm-up checks for shutdown or interruption every this many + 1 pages (a mask: 4 MiB). */
    private static final int WARM_CHECK_EVERY_PAGES = 1023;
    /** Bytes allocated per step by {@link #ensureAllocated} and {@link #allocateRest}. */
    private static final int ALLOCATION_CHUNK_BYTES = 1 << 20;
    /** Compare-and-set of {@link #available}: concurrent shutdowns release the file's own reference once. */
    private static final VarHandle AVAILABLE;

    static {
        try {
            AVAILABLE = MethodHandles.lookup().findVarHandle(MappedFile.class, "available", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Reads, writes and maps through this; all of it is thread-safe. */
    private final FileIo io;
    private final Path path;
    private final long fileFromOffset;
    private final int fileSizeBytes;
    /** Needed only until every block is allocated, then closed (so a mapped file holds no descriptor). */
    private final FileChannel channel;
    /**
     * 0, or the chunk a file opened with {@link #openReservingAhead} is allocated by: such a file is mapped whole
     * over a sparse file and {@link #ensureAllocated} writes zeros one chunk ahead of its appender, through a
     * channel opened for that chunk only (thousands of ConsumeQueues would otherwise hold a descriptor each).
     */
    private final int chunkBytes;
    private final MappedRegion region;
    /** {@code region}'s mapping. */
    private final MappedByteBuffer mapped;
    /** Private view used by the appender (guarded by the owner's append lock) to position/limit for CRC. */
    private final ByteBuffer appendView;

    /** Written by the single appender (or recovery), release-published; read by everyone. */
    private final AtomicInteger wrotePosition = new AtomicInteger();
    /** Written by the single flusher (or recovery); read by everyone. */
    private final AtomicInteger flushedPosition = new AtomicInteger();
    /**
     * End of the prefix whose blocks are allocated (zeros written through the channel); appends and the warm-up
     * never touch the mapping at or above it, so a full disk can never fault inside a memory access. The whole
     * file for files created eagerly or found on disk; raised chunk by chunk, under {@link #allocationLock}, for a
     * file the allocator hands out before it is allocated. Read by the appender and the warm-up.
     */
    private volatile int allocatedPosition;
    private final Object allocationLock = new Object();
    /**
     * Guarded by allocationLock: every later chunk is zeros, because {@link FileIo#reserve} declined once or
     * because the file was opened for a SYNC appender ({@link #openAllocatingLater(Path, int, FileIo, boolean)}),
     * whose allocator forces the zeros ahead of it: a reserved block is an unwritten extent, and the first fsync of records in it must
     * also commit its conversion to written in the file system's journal, which halved the fsyncs per second of
     * SYNC group commit (docs/benchmarks.md). Zeros written and forced ahead leave that fsync only the data.
     */
    private boolean zerosOnly;
    /**
     * Allocator thread only: end of the prefix whose pages {@link #allocateAheadStep} has write-touched (or the
     * appender passed); pages between it and {@link #allocatedPosition} are allocated but not yet mapped in.
     */
    private int touchedPosition;
    /**
     * Set by the allocator thread when it is far enough ahead and about to park: the first append ending at or
     * past this position runs {@link #allocatorWaker}. {@code Integer.MAX_VALUE} when nobody waits.
     */
    private volatile int wakeAllocatorAtPosition = Integer.MAX_VALUE;
    /** Wakes the allocator thread while it parks waiting for the appender to come closer; null otherwise. */
    private volatile Runnable allocatorWaker;
    /** 1 for the file's own reference plus one per reader holding it; the mapping goes at 0. */
    private final AtomicLong refCount = new AtomicLong(1);
    /** Cleared once by shutdown (compare-and-set, so the own reference is released once); then no new holder. */
    private volatile boolean available = true;
    private volatile boolean cleanedUp;

    private MappedFile(FileIo io, MappedRegion region, long fileFromOffset, int fileSizeBytes, FileChannel channel,
                       int allocatedPosition, int chunkBytes) {
        this.allocatedPosition = allocatedPosition;
        this.chunkBytes = chunkBytes;
        this.channel = channel;
        this.io = io;
        this.path = region.path();
        this.fileFromOffset = fileFromOffset;
        this.fileSizeBytes = fileSizeBytes;
        this.region = region;
        this.mapped = region.buffer();
        this.appendView = mapped.duplicate();
    }

    /** The canonical file name for a file starting at {@code offset}. */
    public static String fileName(long offset) {
        if (offset < 0) {
            return String.format("%020d", offset);
        }
        // by hand: String.format was 4.5 % of the dispatcher creating 10 000 fresh queues (issue 10)
        char[] name = new char[20];
        long rest = offset;
        for (int i = name.length - 1; i >= 0; i--) {
            name[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
        return new String(name);
    }

    /** {@link #open(Path, int, FileIo)} on the real disk. */
    public static MappedFile open(Path path, int fileSizeBytes) {
        return open(path, fileSizeBytes, FileIo.DEFAULT);
    }

    /**
     * Opens {@code path}, creating it when missing. A new file has every block allocated (zeros written
     * through the channel) before it is mapped, so a full disk is an exception here and never a SIGBUS in a
     * later memory access; a file that cannot be allocated whole is deleted again.
     *
     * @throws DiskFullException when the file system has no space for a new file
     * @throws StoreIOException  when the file cannot be created or mapped, or exists with another size
     */
    public static MappedFile open(Path path, int fileSizeBytes, FileIo io) {
        return open(path, fileSizeBytes, io, false, false);
    }

    /**
     * Like {@link #open(Path, int, FileIo)} for the LAST file of a queue at load: a file shorter than
     * {@code fileSizeBytes} is completed to its size with zeros, its content kept, instead of refused. A power
     * loss leaves a new file that short when the file system committed its size while its zeros were being
     * written (an fsync of another file commits the journal) and not again before the power went; the records
     * the kernel wrote back into its first pages were never fsynced (an fsync of the file itself commits its
     * full size), so recovery verifies them by checksum like any unflushed tail. A shorter file anywhere else
     * still means a changed file-size setting and is refused.
     */
    public static MappedFile openLastOfQueue(Path path, int fileSizeBytes, FileIo io) {
        return open(path, fileSizeBytes, io, false, true);
    }

    /**
     * Like {@link #open(Path, int, FileIo)}, but a new file is mapped before its blocks are allocated: the
     * caller (the allocator thread) hands it out at once and allocates it with {@link #allocateRest()} while
     * the appender, which calls {@link #ensureAllocated} before each write, may already use its beginning.
     * Creating a 1 GiB file then never makes an append wait for 1 GiB of zeros.
     */
    public static MappedFile openAllocatingLater(Path path, int fileSizeBytes, FileIo io) {
        return openAllocatingLater(path, fileSizeBytes, io, false);
    }

    /**
     * {@link #openAllocatingLater(Path, int, FileIo)}; with {@code zerosOnly} every chunk is allocated by writing
     * zeros, never by {@link FileIo#reserve} (for a SYNC CommitLog, whose allocator forces the zeros ahead of the
     * appender: see {@link #zerosOnly}).
     */
    public static MappedFile openAllocatingLater(Path path, int fileSizeBytes, FileIo io, boolean zerosOnly) {
        MappedFile file = open(path, fileSizeBytes, io, true, false);
        synchronized (file.allocationLock) {
            file.zerosOnly |= zerosOnly;
        }
        return file;
    }

    /**
     * Opens {@code path} for an appender that reserves the file in chunks of {@code chunkBytes} just ahead of
     * what it writes (ConsumeQueues: a queue takes disk for what it holds, not a whole file from its first entry);
     * the first chunks are smaller, one OS page doubling up to {@code chunkBytes} (see {@link #allocateOwnChunk}).
     * A new file is mapped whole over a sparse file and holds no blocks; the appender calls
     * {@link #ensureAllocated} before each write, which writes the next chunk's zeros through a channel opened for
     * that chunk alone, so a full disk is a {@link DiskFullException} there and never a SIGBUS in the mapped write,
     * and the file holds no descriptor between chunks. An existing file counts as allocated up to where
     * {@link #resetPositions} (recovery) puts its end: its blocks above that may be missing (a crash between chunks),
     * so the next chunk starts there. With {@code lastOfQueue}, a file shorter than {@code fileSizeBytes} (a power
     * loss undid its growth) is extended to its size, sparse, its content kept; recovery verifies its entries.
     *
     * @throws StoreIOException when the file cannot be created or mapped, or (not the last) exists with another size
     */
    public static MappedFile openReservingAhead(Path path, int fileSizeBytes, FileIo io, int chunkBytes,
                                                boolean lastOfQueue) {
        if (chunkBytes <= 0 || chunkBytes % OS_PAGE_BYTES != 0) {
            throw new IllegalArgumentException("chunkBytes must be a positive multiple of " + OS_PAGE_BYTES
                    + ", was " + chunkBytes);
        }
        return open(path, fileSizeBytes, io, true, lastOfQueue, chunkBytes);
    }

    private static MappedFile open(Path path, int fileSizeBytes, FileIo io, boolean allocateLater,
                                   boolean completeShort) {
        return open(path, fileSizeBytes, io, allocateLater, completeShort, 0);
    }

    private static MappedFile open(Path path, int fileSizeBytes, FileIo io, boolean allocateLater,
                                   boolean completeShort, int chunkBytes) {
        long fromOffset;
        try {
            fromOffset = Long.parseLong(path.getFileName().toString());
        } catch (NumberFormatException e) {
            throw new StoreIOException("file " + path + " is not named by its 20-digit start offset; move it out of"
                    + " the store directory");
        }
        MappedRegion.OtherSize otherSize = (channel, existingBytes) -> {
            if (existingBytes < fileSizeBytes && MappedRegion.isAllZero(channel, existingBytes)) {
                // creation (zeros written in chunks) was interrupted by a crash: nothing was ever mapped or
                // appended, so finish it
                log.warn("{} has {} of its {} bytes, all zero: its creation was interrupted by a crash; completing it",
                        path, existingBytes, fileSizeBytes);
                return true;
            }
            if (completeShort && existingBytes < fileSizeBytes && chunkBytes > 0) {
                log.warn("{} has {} of its {} bytes, not all zero: a power loss undid the growth of this last file of"
                        + " its queue; extending it (sparse), recovery verifies its entries", path, existingBytes,
                        fileSizeBytes);
                extendSparse(path, fileSizeBytes);
                return true;
            }
            if (completeShort && existingBytes < fileSizeBytes) {
                log.warn("{} has {} of its {} bytes, not all zero: a power loss undid the growth of this last file of"
                        + " its queue while it was being created; completing it with zeros, recovery verifies its"
                        + " records", path, existingBytes, fileSizeBytes);
                FileIo.writeZeros(channel, existingBytes, fileSizeBytes - existingBytes);
                return true;
            }
            throw new StoreIOException("file " + path + " has " + existingBytes + " bytes but the configured file size"
                    + " is " + fileSizeBytes + "; restore the file-size setting the store was created with");
        };
        FileIo allocator = new AllocatingIo(io, fileSizeBytes);
        try {
            MappedRegion region = allocateLater
                    ? MappedRegion.openAllocatingLater(path, fileSizeBytes, otherSize, allocator)
                    : MappedRegion.open(path, fileSizeBytes, otherSize, allocator);
            // the mapping stays valid without the channel, which only allocation needs: a mapped file holds no
            // descriptor (a file allocated later keeps it until allocation completes)
            FileChannel channel = region.channel();
            // a file reserved ahead counts as allocated only where the appender allocated it or recovery put its end
            int allocated = channel != null || chunkBytes > 0 ? 0 : fileSizeBytes;
            if (chunkBytes > 0) {
                // chunks open their own channel: keep none (a new file's blocks come with its first entry)
                closeQuietly(channel);
                channel = null;
            }
            return new MappedFile(io, region, fromOffset, fileSizeBytes, channel, allocated, chunkBytes);
        } catch (IOException e) {
            throw new StoreIOException("cannot create or map " + path + " (" + fileSizeBytes + " bytes): " + e
                    + "; check free disk space and permissions", e);
        }
    }

    /** Grows {@code path} to {@code sizeBytes} without allocating blocks ({@code ftruncate}). */
    private static void extendSparse(Path path, int sizeBytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(sizeBytes);
        }
    }

    /** {@code io}'s allocation of a whole new file, with a full disk reported as {@link DiskFullException}. */
    private record AllocatingIo(FileIo io, int fileSizeBytes) implements FileIo {
        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            try {
                io.allocate(path, channel, sizeBytes);
            } catch (IOException e) {
                if (DiskFullException.isNoSpace(e)) {
                    throw new DiskFullException("no space left to create " + path + " (" + fileSizeBytes + " bytes): "
                            + e.getMessage() + "; free disk space (delete old files or lower retentionHours) or add"
                            + " disk; writes resume by themselves once there is room", e, fileSizeBytes);
                }
                throw e;
            }
        }

        @Override
        public boolean reserve(Path path, FileChannel channel, long position, long length) throws IOException {
            return io.reserve(path, channel, position, length);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            io.force(path, mapped, position, length);
        }
    }

    /**
     * Makes sure the blocks of {@code [0, endPosition)} are allocated before the caller writes below
     * {@code endPosition}. Free (one volatile read) once the allocator is ahead; otherwise allocates the
     * missing chunks (1 MiB, or the file's own chunk for {@link #openReservingAhead}) on the calling thread.
     *
     * @throws DiskFullException when the file system has no room for them (nothing was written to the mapping)
     */
    public void ensureAllocated(int endPosition) {
        if (endPosition <= allocatedPosition) {
            if (endPosition >= wakeAllocatorAtPosition) {
                wakeAllocator();
            }
            return;
        }
        wakeAllocator();
        int target = Math.min(fileSizeBytes, endPosition);
        while (allocatedPosition < target) {
            allocateNextChunk();
        }
    }

    private void wakeAllocator() {
        Runnable waker = allocatorWaker;
        if (waker != null) {
            wakeAllocatorAtPosition = Integer.MAX_VALUE;
            allocatorWaker = null;
            waker.run();
        }
    }

    /** What one {@link #allocateAheadStep} did. */
    public enum AheadStep {
        /** Allocated, forced or touched one chunk: call again. */
        WORKED,
        /** Far enough ahead of the appender; the calling thread is registered to be unparked when it nears. */
        AHEAD,
        /** Every block is allocated and every page touched (or the file is shut down): nothing left to do. */
        DONE
    }

    /**
     * One step of the allocator thread's work on a file it handed out before allocating it: allocates while the
     * allocated prefix ends less than {@code aheadBytes} past the write position (the whole rest of the file at
     * once when {@link FileIo#reserve} can and {@code forceZeros} is off, otherwise the next 1 MiB chunk of
     * zeros, which {@code forceZeros} forces), otherwise write-touches the next allocated chunk above the write position, at most
     * {@code aheadBytes} past it (with {@code warm}), otherwise registers the calling thread to be unparked once
     * the appender has used half of the distance and answers {@link AheadStep#AHEAD}. Allocation comes first while the distance is
     * below half of {@code aheadBytes}: writing zeros is cheaper per byte than appending, so the allocated prefix
     * stays ahead of the appender even when touching cannot keep up (the appender then faults its pages in
     * itself, as without warm-up). Bounding the distance keeps the zeros from competing with the appender for CPU
     * and, in SYNC mode, from filling the page cache with dirty zeros far ahead of the data.
     *
     * @throws DiskFullException when the file system has no room for the next chunk
     */
    public AheadStep allocateAheadStep(int aheadBytes, boolean warm, boolean forceZeros) {
        Thread caller = Thread.currentThread();
        return allocateAheadStep(aheadBytes, warm, forceZeros, () -> LockSupport.unpark(caller));
    }

    /**
     * {@link #allocateAheadStep(int, boolean, boolean)}, where the appender wakes the parked allocator with
     * {@code waker} (the allocator service's own wake-up, so that it goes through the same flag as its other
     * wake-ups and none is lost).
     */
    public AheadStep allocateAheadStep(int aheadBytes, boolean warm, boolean forceZeros, Runnable waker) {
        if (!available) {
            return AheadStep.DONE;
        }
        int wrote = wrotePosition.get();
        int allocated = allocatedPosition;
        // whole pages: touchPages write-touches with an int compare-and-set at each page's first byte, which must be
        // aligned (an unaligned end made the next step start mid-page: IllegalStateException "Misaligned access",
        // and the file was never warmed again)
        long wanted = Math.min(fileSizeBytes, ((long) wrote + aheadBytes) / OS_PAGE_BYTES * OS_PAGE_BYTES);
        // touching, like allocating, stays within aheadBytes of the appender (a reserved file is allocated whole)
        boolean touchedAll = !warm || touchedPosition >= Math.min(allocated, wanted);
        if (allocated < wanted && (touchedAll || allocated - wrote < aheadBytes / 2)) {
            boolean zeros = allocateNextChunk();
            int end = allocatedPosition;
            if (forceZeros && zeros && end > allocated && hold()) {
                try {
                    // zeros reach the disk (blocks really allocated, not delayed) ahead of the data, so a later
                    // SYNC flush of records there has no block allocation to commit
                    int from = Math.max(allocated, (wrotePosition.get() / OS_PAGE_BYTES) * OS_PAGE_BYTES);
                    if (from < end) {
                        forceRange(from, end - from);
                    }
                } finally {
                    release();
                }
            }
            return AheadStep.WORKED;
        }
        if (!touchedAll) {
            int from = Math.max(touchedPosition, (wrote / OS_PAGE_BYTES) * OS_PAGE_BYTES);
            int to = (int) Math.min(Math.min(allocated, wanted), (long) from + ALLOCATION_CHUNK_BYTES);
            if (from < to && hold()) {
                try {
                    touchPages(from, to);
                } finally {
                    release();
                }
            }
            touchedPosition = Math.max(from, to);
            return AheadStep.WORKED;
        }
        if (allocated >= fileSizeBytes && (!warm || touchedPosition >= fileSizeBytes)) {
            return AheadStep.DONE;
        }
        int lead = warm ? Math.min(allocated, touchedPosition) : allocated;
        allocatorWaker = waker;
        wakeAllocatorAtPosition = Math.max(0, lead - aheadBytes / 2);
        if (wrotePosition.get() >= wakeAllocatorAtPosition) { // the appender got there meanwhile
            wakeAllocatorAtPosition = Integer.MAX_VALUE;
            allocatorWaker = null;
            return AheadStep.WORKED;
        }
        return AheadStep.AHEAD;
    }

    /** Allocates whatever is not allocated yet, chunk by chunk (the allocator thread, after handing the file out). */
    public void allocateRest() {
        allocateRest(false);
    }

    /**
     * Allocates the rest chunk by chunk and, with {@code warm}, write-touches each chunk's pages right after
     * allocating it (see {@link #warmUp}), so the appender finds them mapped instead of faulting them in while
     * this thread writes zeros further on. Stops when the file is shut down or the thread interrupted.
     */
    public void allocateRest(boolean warm) {
        while (allocatedPosition < fileSizeBytes && available && !Thread.currentThread().isInterrupted()) {
            int from = allocatedPosition;
            allocateNextChunk();
            if (warm && hold()) {
                try {
                    touchPages(from, allocatedPosition);
                } finally {
                    release();
                }
            }
        }
    }

    /** Write-touches the pages of {@code [from, to)} above the write position; caller holds the file. */
    private int touchPages(int from, int to) {
        int touched = 0;
        for (int i = from; i < to; i += OS_PAGE_BYTES) {
            int wrote = wrotePosition.get();
            if (i < wrote) {
                i = (wrote / OS_PAGE_BYTES) * OS_PAGE_BYTES;
                continue;
            }
            PAGE_TOUCH.compareAndSet(mapped, i, 0, 0);
            touched++;
        }
        return touched;
    }

    /** Allocator thread (and tests): end of the prefix {@link #allocateAheadStep} has touched. */
    int touchedPosition() {
        return touchedPosition;
    }

    /** End of the prefix whose blocks are allocated. */
    public int allocatedPosition() {
        return allocatedPosition;
    }

    /** Whether every block of the file is allocated. */
    public boolean isFullyAllocated() {
        return allocatedPosition >= fileSizeBytes;
    }

    /**
     * Allocates the rest of the file at once when {@link FileIo#reserve} can (no bytes written), otherwise the
     * next chunk of zeros.
     *
     * @return whether zeros were written (a SYNC allocator forces them; a reservation wrote nothing)
     */
    private boolean allocateNextChunk() {
        synchronized (allocationLock) {
            int from = allocatedPosition;
            if (from >= fileSizeBytes) {
                return false;
            }
            if (chunkBytes > 0) {
                allocateOwnChunk(from);
                return true;
            }
            int length = Math.min(ALLOCATION_CHUNK_BYTES, fileSizeBytes - from);
            boolean zeros = true;
            try {
                if (!zerosOnly && io.reserve(path, channel, from, fileSizeBytes - from)) {
                    length = fileSizeBytes - from;
                    zeros = false;
                } else {
                    zerosOnly = true;
                    // zeros go only above allocatedPosition, where neither the appender nor the warm-up has written
                    io.allocateRange(path, channel, from, length);
                }
            } catch (ClosedChannelException e) {
                // the file was shut down (deleted, or the store closed) while a chunk was being allocated
                throw shutDownWhileAllocating(from, length, e);
            } catch (IOException e) {
                throw allocationFailed(from, length, fileSizeBytes - from, e);
            }
            allocatedPosition = from + length;
            if (allocatedPosition >= fileSizeBytes) {
                closeQuietly(channel);
            }
            return zeros;
        }
    }

    /**
     * One chunk of a file opened with {@link #openReservingAhead}: zeros over {@code [from, from + length)}, through a
     * channel opened and closed for it. Only above the write position, where nothing was appended (recovery zeroed
     * what it cut), so the zeros change no byte a reader may see. Caller holds allocationLock.
     *
     * <p>The reserved prefix doubles from one OS page up to {@link #chunkBytes} (4, 4, 8, 16, 32 KiB, then whole
     * chunks): a file most of whose queues stay small (10 000 queues of a few entries each) costs a page of zeros
     * written, mapped and written back per queue instead of a whole chunk (64 KiB each, 655 MB of dirty zeros for
     * 10 000 fresh queues: docs/benchmarks.md, "Many queues"), and a busy queue reaches whole chunks after five
     * small ones.
     */
    private void allocateOwnChunk(int from) {
        int length = Math.min(Math.min(chunkBytes, Math.max(OS_PAGE_BYTES, from)), fileSizeBytes - from);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            io.allocateRange(path, ch, from, length);
        } catch (NoSuchFileException | ClosedChannelException e) {
            if (!available) {
                throw shutDownWhileAllocating(from, length, e);
            }
            throw new StoreIOException("cannot allocate bytes [" + from + ", " + (from + length) + ") of " + path
                    + ": the file is gone (" + e + "); something outside the store deleted it, restart the broker"
                    + " so that recovery rebuilds the queue", e);
        } catch (IOException e) {
            throw allocationFailed(from, length, length, e);
        }
        allocatedPosition = from + length;
    }

    private FileShutDownException shutDownWhileAllocating(int from, int length, IOException e) {
        return new FileShutDownException(path + " was shut down while bytes [" + from + ", " + (from + length)
                + ") were being allocated", e);
    }

    /** A failed allocation of {@code [from, from + length)}: the store's disk-full error when the disk is full. */
    private StoreIOException allocationFailed(int from, int length, long neededBytes, IOException e) {
        if (DiskFullException.isNoSpace(e)) {
            return new DiskFullException("no space left to allocate bytes [" + from + ", " + (from + length) + ") of "
                    + path + ": " + e.getMessage() + "; free disk space (delete old files or lower retentionHours) or"
                    + " add disk; writes and indexing resume by themselves once there is room", e, neededBytes);
        }
        return new StoreIOException("cannot allocate bytes [" + from + ", " + (from + length) + ") of " + path + ": "
                + e + "; check the disk", e);
    }

    /**
     * Write-touches every OS page not yet appended to, so that appends find the page allocated and writable
     * (no page fault, no block allocation on the append path), then optionally forces the zeroes out so a later
     * sync flush of real data does not pay for them.
     *
     * <p>Safe while an appender writes to this file: a page is touched with an atomic compare-and-set of its
     * first int from 0 to 0, which takes the write fault but can never overwrite a byte the appender wrote
     * (a plain store of 0 could). Pages below the write position are skipped, so when the appender overtakes
     * the warmer, the warmer jumps ahead of it and both fault pages in parallel. Stops early when the file is
     * shut down or the calling thread is interrupted.
     *
     * @return pages touched
     */
    public int warmUp(boolean forceToDisk) {
        if (!hold()) {
            return 0;
        }
        try {
            long startNs = System.nanoTime();
            int touched = 0;
            int allocated = allocatedPosition; // never touch a page whose block may not exist (SIGBUS on a full disk)
            for (int i = 0; i < allocated; i += OS_PAGE_BYTES) {
                int wrote = wrotePosition.get();
                if (i < wrote) {
                    i = (wrote / OS_PAGE_BYTES) * OS_PAGE_BYTES;
                    continue;
                }
                PAGE_TOUCH.compareAndSet(mapped, i, 0, 0);
                touched++;
                if ((touched & WARM_CHECK_EVERY_PAGES) == 0 && (!available || Thread.currentThread().isInterrupted())) {
                    log.debug("warming {} stopped early after {} pages", path.getFileName(), touched);
                    return touched;
                }
            }
            if (forceToDisk) {
                io.force(path, mapped, 0, fileSizeBytes);
                Durability.forced(path, mapped, 0, fileSizeBytes);
            }
            log.debug("warmed {} ({} of {} pages) in {} ms", path.getFileName(), touched,
                    fileSizeBytes / OS_PAGE_BYTES, (System.nanoTime() - startNs) / 1_000_000);
            return touched;
        } finally {
            release();
        }
    }

    /**
     * Appends through {@code callback}. Caller holds the owner's append lock.
     *
     * @return bytes written; 0 when the file is already full
     */
    public int append(AppendCallback callback) {
        int position = wrotePosition.get();
        if (position >= fileSizeBytes) {
            return 0;
        }
        int written = callback.doAppend(appendView, position, fileSizeBytes - position, fileFromOffset);
        if (written > 0) {
            wrotePosition.lazySet(position + written);
        }
        return written;
    }

    /**
     * Makes durable what was written since the last flush when at least {@code leastPages} OS pages are dirty
     * (0 = anything dirty), or when the file is full. When the force fails the flush position stays where it
     * was; the caller decides what a failed fsync means (the CommitLog stops, see {@link MappedFileQueue#flush}).
     *
     * @return the flush position afterwards
     * @throws StoreIOException when the device reports a write-back error
     */
    public int flush(int leastPages) {
        int flushed = flushedPosition.get();
        int wrote = wrotePosition.get();
        if (wrote <= flushed || !isAbleToFlush(flushed, wrote, leastPages)) {
            return flushed;
        }
        if (!hold()) {
            return flushed;
        }
        try {
            forceRange(flushed, wrote - flushed);
            flushedPosition.set(wrote);
            return wrote;
        } finally {
            release();
        }
    }

    /**
     * Recovery only: forces everything written in this file, {@code [0, write position)}, whatever the flush
     * position says (a previous process may have written it without forcing), then sets the flush position.
     *
     * @throws StoreIOException when the device reports a write-back error
     */
    public void forceWritten() {
        int wrote = wrotePosition.get();
        if (wrote == 0 || !hold()) {
            return;
        }
        try {
            forceRange(0, wrote);
            flushedPosition.set(wrote);
        } finally {
            release();
        }
    }

    private void forceRange(int position, int length) {
        try {
            io.force(path, mapped, position, length);
            Durability.forced(path, mapped, position, position + length);
        } catch (UncheckedIOException e) {
            throw new StoreIOException("fsync of " + path + " bytes [" + position + ", " + (position + length)
                    + ") failed: " + e.getCause() + "; the disk reported a write error, check it (dmesg, SMART)", e);
        }
    }

    private boolean isAbleToFlush(int flushed, int wrote, int leastPages) {
        if (wrote == fileSizeBytes || leastPages <= 0) {
            return true;
        }
        return (wrote / OS_PAGE_BYTES) - (flushed / OS_PAGE_BYTES) >= leastPages;
    }

    /**
     * A read-only view of {@code [position, position + length)}. The caller must {@link #hold()} the file for
     * as long as it uses the view and must copy out what it keeps.
     */
    public ByteBuffer sliceForRead(int position, int length) {
        return mapped.slice(position, length).asReadOnlyBuffer();
    }

    /** Reads an int at an absolute position; caller holds the file. */
    public int getInt(int position) {
        return mapped.getInt(position);
    }

    /** Reads a long at an absolute position; caller holds the file. */
    public long getLong(int position) {
        return mapped.getLong(position);
    }

    /**
     * Admits one more reader. Returns false once the file is shut down; then the caller must not touch it.
     */
    public boolean hold() {
        if (!available) {
            return false;
        }
        while (true) {
            long count = refCount.get();
            if (count <= 0) {
                return false;
            }
            if (refCount.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (refCount.decrementAndGet() == 0) {
            cleanUp();
        }
    }

    private synchronized void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        region.unmap();
        closeQuietly(channel);
    }

    /** Stops admitting readers; the mapping is released as soon as the current readers are gone. */
    public void shutdown() {
        if (AVAILABLE.compareAndSet(this, true, false)) {
            release();
        }
    }

    /** Shuts the file down and deletes it from disk (Linux keeps the inode until the mapping is released). */
    public void destroy() {
        shutdown();
        try {
            Files.deleteIfExists(path);
            Durability.namespaceChanged(path);
            log.info("deleted {} (offsets {}..{})", path, fileFromOffset, fileFromOffset + fileSizeBytes);
        } catch (IOException e) {
            throw new StoreIOException("cannot delete " + path + ": " + e + "; check permissions", e);
        }
    }

    /** Whether the mapping has been released (no reader can use it any more). */
    public boolean isCleanedUp() {
        return cleanedUp;
    }

    public boolean isAvailable() {
        return available;
    }

    public long lastModifiedMs() {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return System.currentTimeMillis();
        }
    }

    public Path path() {
        return path;
    }

    public long fileFromOffset() {
        return fileFromOffset;
    }

    public int fileSizeBytes() {
        return fileSizeBytes;
    }

    public int wrotePosition() {
        return wrotePosition.get();
    }

    /** Equal to the write position: mmap writes are visible at once, there is no separate write buffer. */
    public int committedPosition() {
        return wrotePosition.get();
    }

    public int flushedPosition() {
        return flushedPosition.get();
    }

    /**
     * Recovery and truncation only: sets write and flush positions to {@code position}. A file reserved ahead
     * ({@link #openReservingAhead}) then counts as allocated up to {@code position} only: what a previous process
     * allocated above it is unknown (a crash between chunks leaves a hole), so the next chunk starts there.
     */
    public void resetPositions(int position) {
        if (position < 0 || position > fileSizeBytes) {
            throw new IllegalArgumentException("position " + position + " outside [0, " + fileSizeBytes + "]");
        }
        wrotePosition.set(position);
        flushedPosition.set(position);
        if (chunkBytes > 0) {
            synchronized (allocationLock) {
                allocatedPosition = position;
            }
        }
    }

    /** Recovery only: zeroes {@code [from, fileSize)} where not already zero, so stale bytes can never revive. */
    public void zeroFrom(int from) {
        int start = from;
        while (start < fileSizeBytes) {
            int end = Math.min(fileSizeBytes, (start / OS_PAGE_BYTES + 1) * OS_PAGE_BYTES);
            if (!isZero(start, end)) {
                for (int i = start; i < end; i++) {
                    mapped.put(i, (byte) 0);
                }
            }
            start = end;
        }
        forceRange(0, fileSizeBytes);
    }

    private boolean isZero(int start, int end) {
        int i = start;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            if (mapped.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (mapped.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    public boolean isFull() {
        return wrotePosition.get() >= fileSizeBytes;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing a file channel failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "MappedFile[" + path.getFileName() + ", wrote=" + wrotePosition.get() + ", flushed="
                + flushedPosition.get() + "]";
    }
}
