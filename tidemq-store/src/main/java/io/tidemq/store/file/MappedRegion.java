package io.tidemq.store.file;

import io.tidemq.store.api.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One memory-mapped file of an exact size (Kafka's {@code AbstractIndex} idea). Every mmap'd file type of the
 * store opens, allocates, maps, forces and unmaps through this class: CommitLog and ConsumeQueue files
 * ({@link MappedFile}), key index files, timer log segments and the timer slot file. The mapping is released
 * through the one {@link BufferCleaner}.
 *
 * <p>Opening a file:
 * <ol>
 *   <li>an existing file of another size goes to the caller's {@link OtherSize} rule, which either has it
 *       emptied and created anew or throws an error that says what to do;</li>
 *   <li>a new (empty) file has every block allocated before it is mapped (zeros written through the channel),
 *       so a full disk is an exception here and never a SIGBUS in a later memory access; a file that cannot be
 *       allocated is deleted again, so a retry starts clean;</li>
 *   <li>the file is mapped READ_WRITE over {@code [0, size)}, a new file is reported to {@link Durability}, and
 *       the channel is closed: the mapping stays valid without it, so a region holds no file descriptor (except
 *       one opened with {@link #openAllocatingLater}, whose channel stays open until its owner has allocated
 *       it).</li>
 * </ol>
 *
 * <p>Threads: immutable once opened. The owner guarantees that nobody touches the buffer after {@link #unmap()}
 * (an access to an unmapped buffer crashes the JVM).
 */
public final class MappedRegion {

    /** What to do with an existing file whose size is not the expected one. */
    @FunctionalInterface
    public interface OtherSize {
        /**
         * @param channel       the file, open for reading and writing
         * @param existingBytes its size, neither 0 nor the expected size
         * @return true to empty the file and create it anew, unless the rule itself brought the file to the
         *         expected size (completing it, content kept), which is then mapped as it is; a rule that refuses
         *         throws instead
         */
        boolean recreate(FileChannel channel, long existingBytes) throws IOException;
    }

    /**
     * A file whose creation a crash cut short (it holds only zeros: blocks are allocated before anything is
     * written) is created anew; any other size is handed to {@code otherwise}.
     */
    public static OtherSize recreateWhenAllZero(OtherSize otherwise) {
        return (channel, existingBytes) -> isAllZero(channel, existingBytes)
                || otherwise.recreate(channel, existingBytes);
    }

    private final Path path;
    private final MappedByteBuffer buffer;
    private final boolean created;
    /** Open only for a region mapped before its blocks were allocated; then owned by the region's owner. */
    private final FileChannel channel;

    private MappedRegion(Path path, MappedByteBuffer buffer, boolean created, FileChannel channel) {
        this.path = path;
        this.buffer = buffer;
        this.created = created;
        this.channel = channel;
    }

    /**
     * Opens {@code path} at {@code sizeBytes}, creating it (every block allocated through {@code io}) when it is
     * missing or {@code otherSize} asks for it.
     */
    public static MappedRegion open(Path path, long sizeBytes, OtherSize otherSize, FileIo io) throws IOException {
        return open(path, sizeBytes, otherSize, io, false);
    }

    /**
     * Like {@link #open}, but a new file is mapped before its blocks are allocated and its channel stays open
     * ({@link #channel()}): the owner allocates it piece by piece ahead of its writer and then closes the
     * channel. The owner must never touch the mapping beyond what it allocated.
     */
    public static MappedRegion openAllocatingLater(Path path, long sizeBytes, OtherSize otherSize, FileIo io)
            throws IOException {
        return open(path, sizeBytes, otherSize, io, true);
    }

    /**
     * Creates {@code path}, which must not exist yet, with every block allocated through {@code io}, and maps it.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it exists
     */
    public static MappedRegion createNew(Path path, long sizeBytes, FileIo io) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return allocateAndMap(path, ch, sizeBytes, io, false);
    }

    /** Maps an existing file over its whole current size, changing nothing. */
    public static MappedRegion openExisting(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new MappedRegion(path, ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size()), false, null);
        }
    }

    private static MappedRegion open(Path path, long sizeBytes, OtherSize otherSize, FileIo io,
                                     boolean allocateLater) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long existing = ch.size();
            if (existing != 0 && existing != sizeBytes) {
                if (!otherSize.recreate(ch, existing)) {
                    throw new IllegalStateException("the size rule for " + path + " neither recreated " + existing
                            + " bytes nor refused them");
                }
                if (ch.size() == sizeBytes) {
                    // the rule completed the file itself, keeping its content: map it as an existing file
                    MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes);
                    ch.close();
                    Durability.namespaceChanged(path);
                    return new MappedRegion(path, mapped, false, null);
                }
                ch.truncate(0);
                existing = 0;
            }
            if (existing == 0) {
                return allocateAndMap(path, ch, sizeBytes, io, allocateLater);
            }
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes);
            ch.close();
            return new MappedRegion(path, mapped, false, null);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, e);
            throw e;
        }
    }

    /** {@code ch} is a new, empty file; closed here unless allocation is left to the owner. */
    private static MappedRegion allocateAndMap(Path path, FileChannel ch, long sizeBytes, FileIo io,
                                               boolean allocateLater) throws IOException {
        try {
            if (!allocateLater) {
                io.allocate(path, ch, sizeBytes);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, e);
            try {
                Files.deleteIfExists(path); // else a retry under the same name finds a short file
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes);
            Durability.namespaceChanged(path);
            if (allocateLater) {
                return new MappedRegion(path, mapped, true, ch);
            }
            ch.close();
            return new MappedRegion(path, mapped, true, null);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, e);
            throw e;
        }
    }

    /** Whether the first {@code sizeBytes} of {@code channel} are all zero (a creation a crash cut short). */
    public static boolean isAllZero(FileChannel channel, long sizeBytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.max(1, Math.min(sizeBytes, 1 << 16)));
        for (long position = 0; position < sizeBytes; ) {
            chunk.clear();
            int read = channel.read(chunk, position);
            if (read <= 0) {
                break;
            }
            for (int i = 0; i < read; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            position += read;
        }
        return true;
    }

    private static void closeQuietly(FileChannel ch, Throwable failure) {
        try {
            ch.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    public Path path() {
        return path;
    }

    /** The mapping, position 0 at the start of the file. */
    public MappedByteBuffer buffer() {
        return buffer;
    }

    public int sizeBytes() {
        return buffer.capacity();
    }

    /** Whether the file was new or emptied by the {@link OtherSize} rule (its content is all zeros). */
    public boolean created() {
        return created;
    }

    /**
     * The channel of a region opened with {@link #openAllocatingLater} whose file was new: open, owned by the
     * caller from now on (it closes it once allocation is done). Null otherwise.
     */
    public FileChannel channel() {
        return channel;
    }

    /** Forces the whole mapping to disk and reports it to {@link Durability}. */
    public void forceAll() {
        buffer.force();
        Durability.forced(path, buffer, 0, buffer.capacity());
    }

    /**
     * Releases the mapping now rather than at the next GC.
     *
     * @return whether it was released now (false when the JVM offers no way to, see {@link BufferCleaner})
     */
    public boolean unmap() {
        return BufferCleaner.unmap(buffer);
    }

    /** Unmaps, then deletes the file and reports it to {@link Durability}. */
    public void unmapAndDelete() throws IOException {
        unmap();
        Files.deleteIfExists(path);
        Durability.namespaceChanged(path);
    }

    @Override
    public String toString() {
        return "MappedRegion[" + path + ", " + buffer.capacity() + " bytes]";
    }
}
