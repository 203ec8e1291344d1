package io.tidemq.store.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The two disk operations of a {@link MappedFile} that decide durability and disk-full behaviour: allocating a
 * new file's blocks and forcing a range of its mapping. Production code uses {@link #DEFAULT}; tests pass
 * another implementation through {@code StoreConfig.Builder.fileIo} to make either fail (a full disk, an EIO
 * from {@code msync}) or to observe which bytes were forced.
 *
 * <p>Implementations are called concurrently (allocator thread, flush threads, recovery) and must be
 * thread-safe.
 */
public interface FileIo {

    /**
     * The real disk: blocks reserved with {@code fallocate(2)} for files of {@link #RESERVE_MIN_BYTES} or more
     * (zeros written through the channel for smaller files, or where the file system cannot), {@code msync}
     * through the mapping.
     */
    FileIo DEFAULT = new FileIo() {
        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            if (reserve(path, channel, 0, sizeBytes)) {
                if (channel.size() != sizeBytes) {
                    throw new IOException("reserved " + channel.size() + " bytes instead of " + sizeBytes);
                }
                return;
            }
            writeZeros(channel, sizeBytes);
        }

        @Override
        public boolean reserve(Path path, FileChannel channel, long position, long length) throws IOException {
            return length >= RESERVE_MIN_BYTES && Fallocate.reserve(path, position, length);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            mapped.force(position, length);
        }
    };

    /**
     * Allocates every block of a new, still empty file of {@code sizeBytes} before it is mapped, so a full
     * disk fails here with an {@link IOException} (ENOSPC) instead of as a SIGBUS inside a later memory access.
     */
    void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException;

    /**
     * Makes {@code [position, position + length)} of the mapping of {@code path} durable.
     *
     * @throws java.io.UncheckedIOException when the device reports a write-back error
     */
    void force(Path path, MappedByteBuffer mapped, int position, int length);

    /**
     * Allocates the blocks of {@code [position, position + length)} of a mapped file that is allocated
     * piece by piece ahead of its appender (see {@link MappedFile#ensureAllocated}): zeros written through the
     * channel, so a full disk fails here with an {@link IOException} (ENOSPC).
     */
    default void allocateRange(Path path, FileChannel channel, long position, int length) throws IOException {
        writeZeros(channel, position, length);
    }

    /**
     * Reserves the blocks of {@code [position, position + length)} of a new file without writing them
     * ({@code fallocate(2)}), so that writes through a mapping there never need a new block. A full disk fails
     * here with an {@link IOException} (ENOSPC).
     *
     * @return false when this implementation (or the file system) cannot reserve: the caller then allocates by
     *         writing zeros ({@link #allocateRange}). The default is false, so a test implementation that
     *         overrides only {@link #allocate}/{@link #allocateRange} sees every allocation.
     */
    default boolean reserve(Path path, FileChannel channel, long position, long length) throws IOException {
        return false;
    }

    /**
     * Smallest range {@link #DEFAULT} reserves with {@code fallocate} (one short process per call): below it,
     * writing the zeros costs less than starting the command (a few ms). ConsumeQueue files are never reserved
     * whole: they get zeros in small chunks ahead of their entries ({@code ConsumeQueue.RESERVE_CHUNK_BYTES}).
     */
    long RESERVE_MIN_BYTES = 4L << 20;

    /** Bytes the store may still use on the file system holding {@code dir} (statvfs: available to us). */
    default long usableBytes(Path dir) {
        return dir.toFile().getUsableSpace();
    }

    /** Writes {@code sizeBytes} zeros at the start of {@code channel}, 1 MiB per call, then checks the size. */
    static void writeZeros(FileChannel channel, long sizeBytes) throws IOException {
        writeZeros(channel, 0, sizeBytes);
        if (channel.size() != sizeBytes) {
            throw new IOException("allocated " + channel.size() + " bytes instead of " + sizeBytes);
        }
    }

    /**
     * Writes {@code length} zeros at {@code from}, {@link #ZEROS_BYTES} per call, all from one shared read-only
     * direct buffer: nothing is allocated per call (a fresh 1 MiB direct buffer per chunk used to cost a
     * native allocation, a memset and a Cleaner each time), and the source stays in the CPU cache.
     */
    static void writeZeros(FileChannel channel, long from, long length) throws IOException {
        ByteBuffer zeros = Zeros.BUFFER.duplicate();
        long position = from;
        long end = from + length;
        while (position < end) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), end - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
    }

    /** Bytes of zeros written per call by {@link #writeZeros}: 64 KiB, small enough to stay in a core's cache. */
    int ZEROS_BYTES = 64 << 10;

    /** Holder of the shared zero buffer (never written: each user works on its own duplicate's position). */
    final class Zeros {
        static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(ZEROS_BYTES).asReadOnlyBuffer();

        private Zeros() {
        }
    }
}
