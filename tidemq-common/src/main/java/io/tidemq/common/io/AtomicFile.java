package io.tidemq.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file (a JSON document, a checkpoint) so that a crash or a power loss at any moment leaves
 * either the old content or the new one, never a torn or empty file:
 * <ol>
 *   <li>write the new content to {@code <name>.tmp} next to the file;</li>
 *   <li>fsync the temp file (its bytes are on disk before its name can point at them);</li>
 *   <li>rename it over the file atomically;</li>
 *   <li>fsync the directory (the rename itself is on disk).</li>
 * </ol>
 * The steps go through an {@link Io}, the seam tests use to check the order or to inject a failure.
 *
 * <p>Threads: stateless. Callers serialize their own replaces of one file (one writer per file).
 */
public final class AtomicFile {

    /** The system calls of a replace, in the order {@link #replace} makes them. */
    public interface Io {

        /** Creates or truncates {@code tmp}, writes all of {@code data} and forces it to disk. */
        void writeAndForce(Path tmp, ByteBuffer data) throws IOException;

        /** Renames {@code tmp} over {@code file}, atomically where the file system can. */
        void rename(Path tmp, Path file) throws IOException;

        /**
         * Forces {@code directory}'s entries to disk.
         *
         * @return false when the directory could not be forced (some platforms cannot open a directory; the rename
         *         is then as durable as the OS makes it)
         */
        boolean forceDirectory(Path directory) throws IOException;
    }

    /** The real system calls. */
    public static final Io SYSTEM = new Io() {
        @Override
        public void writeAndForce(Path tmp, ByteBuffer data) throws IOException {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (data.hasRemaining()) {
                    ch.write(data);
                }
                ch.force(true);
            }
        }

        @Override
        public void rename(Path tmp, Path file) throws IOException {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        /** Best effort, as every caller had it: some platforms (Windows) cannot open a directory at all. */
        @Override
        public boolean forceDirectory(Path directory) {
            try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
                ch.force(true);
                return true;
            } catch (UnsupportedOperationException | IOException e) {
                return false;
            }
        }
    };

    private AtomicFile() {
    }

    /** The temp file a replace of {@code file} writes first: {@code <name>.tmp} in the same directory. */
    public static Path tempOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /** Replaces {@code file} with {@code data}, durably; see the class comment. */
    public static void replace(Path file, byte[] data) throws IOException {
        replace(file, ByteBuffer.wrap(data), SYSTEM);
    }

    /**
     * Replaces {@code file} with the remaining bytes of {@code data} through {@code io}. When a step fails the
     * file still holds its old content (a temp file may be left behind; the next replace overwrites it).
     *
     * @throws IOException from the step that failed; the steps after it are not made
     */
    public static void replace(Path file, ByteBuffer data, Io io) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path tmp = tempOf(absolute);
        io.writeAndForce(tmp, data);
        io.rename(tmp, absolute);
        io.forceDirectory(absolute.getParent());
    }
}
