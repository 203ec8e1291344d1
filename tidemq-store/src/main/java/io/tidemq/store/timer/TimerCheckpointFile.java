package io.tidemq.store.timer;

import io.tidemq.common.io.AtomicFile;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.timer.TimerCheckpoint;
import io.tidemq.store.file.Durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The timer store's checkpoint file: a {@link TimerCheckpoint} written atomically ({@link AtomicFile#replace}: temp
 * file, fsync, rename, fsync of the directory) after the timer log has been forced up to its
 * {@code logEndPosition}.
 *
 * <pre>
 * offset size field
 *      0    4 magic "TCP1"
 *      4    4 version (1)
 *      8    4 clean (1 after a clean close, 0 while running)
 *     12    4 reserved (0)
 *     16    8 indexedQueueOffset  next TIDEMQ_SYS_TIMER queue offset to index
 *     24    8 logEndPosition      timer log entries below this are durable
 *     32    8 deliveredCursorMs   every slot before this time is delivered (re-puts completed)
 *     40    8 writtenAtMs         wall-clock time of this checkpoint
 *     48    4 crc                 CRC32C of bytes [0, 48)
 * </pre>
 */
final class TimerCheckpointFile {

    static final String FILE_NAME = "checkpoint";
    private static final int MAGIC = 0x54435031;
    private static final int VERSION = 1;

    // layout (see the class comment)
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int CLEAN_OFFSET = 8;
    private static final int RESERVED_OFFSET = 12;
    private static final int INDEXED_QUEUE_OFFSET_OFFSET = 16;
    private static final int LOG_END_POSITION_OFFSET = 24;
    private static final int DELIVERED_CURSOR_MS_OFFSET = 32;
    private static final int WRITTEN_AT_MS_OFFSET = 40;
    /** The CRC covers every byte before it. */
    private static final int CRC_OFFSET = 48;
    private static final int BYTES = CRC_OFFSET + Integer.BYTES;

    /**
     * @return the stored checkpoint, or {@link TimerCheckpoint#initial()} when there is none
     * @throws StoreIOException when the file exists but is unreadable or fails its CRC
     */
    static TimerCheckpoint load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return TimerCheckpoint.initial();
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
            if (buf.capacity() != BYTES || buf.getInt(MAGIC_OFFSET) != MAGIC || buf.getInt(VERSION_OFFSET) != VERSION
                    || buf.getInt(CRC_OFFSET) != crc(buf)) {
                throw new StoreIOException("timer checkpoint " + file + " is corrupt; delete the timer directory"
                        + " to re-index scheduled messages from TIDEMQ_SYS_TIMER (messages due meanwhile may be"
                        + " delivered twice)");
            }
            return new TimerCheckpoint(buf.getLong(INDEXED_QUEUE_OFFSET_OFFSET), buf.getLong(LOG_END_POSITION_OFFSET),
                    buf.getLong(DELIVERED_CURSOR_MS_OFFSET), buf.getLong(WRITTEN_AT_MS_OFFSET),
                    buf.getInt(CLEAN_OFFSET) == 1);
        } catch (IOException e) {
            throw new StoreIOException("cannot read timer checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the checkpoint file atomically and durably. */
    static void store(TimerCheckpoint checkpoint, Path dir) {
        ByteBuffer buf = ByteBuffer.allocate(BYTES);
        buf.putInt(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, VERSION)
                .putInt(CLEAN_OFFSET, checkpoint.clean() ? 1 : 0)
                .putInt(RESERVED_OFFSET, 0)
                .putLong(INDEXED_QUEUE_OFFSET_OFFSET, checkpoint.indexedQueueOffset())
                .putLong(LOG_END_POSITION_OFFSET, checkpoint.logEndPosition())
                .putLong(DELIVERED_CURSOR_MS_OFFSET, checkpoint.deliveredCursorMs())
                .putLong(WRITTEN_AT_MS_OFFSET, checkpoint.writtenAtMs());
        buf.putInt(CRC_OFFSET, crc(buf));
        Path file = dir.resolve(FILE_NAME);
        try {
            AtomicFile.replace(file, buf, Durability.ATOMIC_FILE_IO);
        } catch (IOException e) {
            throw new StoreIOException("cannot write timer checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private TimerCheckpointFile() {
    }

    private static int crc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(0).limit(CRC_OFFSET));
        return (int) crc.getValue();
    }
}
