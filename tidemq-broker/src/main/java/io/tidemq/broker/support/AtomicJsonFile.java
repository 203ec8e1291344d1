package io.tidemq.broker.support;

import io.tidemq.common.io.AtomicFile;
import io.tidemq.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JSON document on disk that is replaced atomically ({@link AtomicFile#replace}): written to
 * {@code <name>.tmp}, fsynced, renamed over the old file, and the directory fsynced, so a crash at any moment
 * leaves either the old or the new document, never a torn one. Callers serialize their own writes (one writer
 * per file).
 */
public final class AtomicJsonFile {

    private final Path file;
    private final Path tmp;

    public AtomicJsonFile(Path file) {
        this.file = file;
        this.tmp = AtomicFile.tempOf(file);
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
            AtomicFile.replace(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage()
                    + "; check free disk space and permissions", e);
        }
    }
}
