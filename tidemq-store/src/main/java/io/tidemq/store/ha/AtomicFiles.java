package io.tidemq.store.ha;

import io.tidemq.store.StoreIOException;
import io.tidemq.store.file.Durability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Small binary files replaced atomically: the bytes go to {@code <name>.tmp}, which is fsynced and renamed over
 * {@code <name>}, then the directory is fsynced. A reader sees the old or the new content, never a mix. Stateless.
 */
final class AtomicFiles {

    private static final Logger log = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {
    }

    static void replace(Path target, byte[] bytes) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Durability.fileForced(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.namespaceChanged(target);
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
                Durability.fileForced(dir);
            } catch (IOException e) {
                log.debug("directory fsync of {} not supported: {}", dir, e.toString());
            }
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
