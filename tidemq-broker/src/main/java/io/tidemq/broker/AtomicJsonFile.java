package io.tidemq.broker;

import io.tidemq.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A JSON document on disk that is replaced atomically: written to {@code <name>.tmp}, fsynced, renamed over
 * the old file, and the directory fsynced, so a crash at any moment leaves either the old or the new
 * document, never a torn one. Callers serialize their own writes (one writer per file).
 */
public final class AtomicJsonFile {

    private final Path file;
    private final Path tmp;

    public AtomicJsonFile(Path file) {
        this.file = file;
        this.tmp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    public Path path() {
        return file;
    }

    /** Reads the document, or returns {@code null} when the file does not exist yet. */
    public <T> T read(Class<T> type) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Json.mapper().readValue(Files.readAllBytes(file), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage()
                    + "; fix or remove the file (a copy may remain in " + tmp + ")", e);
        }
    }

    public void write(Object document) {
        byte[] bytes = Json.toBytes(document);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage()
                    + "; check free disk space and permissions", e);
        }
    }

    private static void fsyncDirectory(Path dir) {
        // Makes the rename itself durable; some platforms cannot open a directory, and then the rename is
        // as durable as the OS makes it.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort, see above
        }
    }
}
