package io.tidemq.store.ha;

import io.tidemq.common.io.AtomicFile;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.file.Durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Small binary files replaced atomically ({@link AtomicFile#replace}): the bytes go to {@code <name>.tmp}, which
 * is fsynced and renamed over {@code <name>}, then the directory is fsynced. A reader sees the old or the new
 * content, never a mix. Stateless.
 */
final class AtomicFiles {

    private AtomicFiles() {
    }

    static void replace(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicFile.replace(target, ByteBuffer.wrap(bytes), Durability.ATOMIC_FILE_IO);
        } catch (IOException e) {
            throw new StoreIOException("cannot write " + target + ": " + e + "; check free disk space and"
                    + " permissions", e);
        }
    }

    /** CRC32C of {@code bytes[0, length)}. */
    static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
