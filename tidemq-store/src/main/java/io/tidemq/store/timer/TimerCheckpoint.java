package io.tidemq.store.timer;

import io.tidemq.common.io.AtomicFile;
import io.tidemq.store.StoreIOException;
import io.tidemq.store.file.Durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * How far the timer store is consistent, written atomically ({@link AtomicFile#replace}: temp file, fsync,
 * rename, fsync of the directory) after the timer log has been forced up to {@code logEndPosition}.
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
 *
 * @param indexedQueueOffset next queue offset of the timer topic not yet in the timer log
 * @param logEndPosition     timer log position up to which entries are durable and correspond to the offset above
 * @param deliveredCursorMs  every slot before this time is delivered; {@link #UNKNOWN_CURSOR} for a new store
 * @param writtenAtMs        when the checkpoint was taken
 * @param clean              whether the store was closed cleanly (slot file trustworthy)
 */
public record TimerCheckpoint(long indexedQueueOffset, long logEndPosition, long deliveredCursorMs,
                              long writtenAtMs, boolean clean) {

    public static final long UNKNOWN_CURSOR = Long.MIN_VALUE;
    static final String FILE_NAME = "checkpoint";
    private static final int MAGIC = 0x54435031;
    private static final int VERSION = 1;
    private static final int BYTES = 52;

    /** The checkpoint of a timer store that has never run. */
    public static TimerCheckpoint initial() {
        return new TimerCheckpoint(0, 0, UNKNOWN_CURSOR, 0, true);
    }

    TimerCheckpoint withClean(boolean newClean) {
        return new TimerCheckpoint(indexedQueueOffset, logEndPosition, deliveredCursorMs, writtenAtMs, newClean);
    }

    /**
     * @return the stored checkpoint, or {@link #initial()} when there is none
     * @throws StoreIOException when the file exists but is unreadable or fails its CRC
     */
    static TimerCheckpoint load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return initial();
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
            if (buf.capacity() != BYTES || buf.getInt(0) != MAGIC || buf.getInt(4) != VERSION
                    || buf.getInt(48) != crc(buf)) {
                throw new StoreIOException("timer checkpoint " + file + " is corrupt; delete the timer directory"
                        + " to re-index scheduled messages from TIDEMQ_SYS_TIMER (messages due meanwhile may be"
                        + " delivered twice)");
            }
            return new TimerCheckpoint(buf.getLong(16), buf.getLong(24), buf.getLong(32), buf.getLong(40),
                    buf.getInt(8) == 1);
        } catch (IOException e) {
            throw new StoreIOException("cannot read timer checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the checkpoint file atomically and durably. */
    void store(Path dir) {
        ByteBuffer buf = ByteBuffer.allocate(BYTES);
        buf.putInt(0, MAGIC).putInt(4, VERSION).putInt(8, clean ? 1 : 0).putInt(12, 0)
                .putLong(16, indexedQueueOffset).putLong(24, logEndPosition).putLong(32, deliveredCursorMs)
                .putLong(40, writtenAtMs);
        buf.putInt(48, crc(buf));
        Path file = dir.resolve(FILE_NAME);
        try {
            AtomicFile.replace(file, buf, Durability.ATOMIC_FILE_IO);
        } catch (IOException e) {
            throw new StoreIOException("cannot write timer checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static int crc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(0).limit(48));
        return (int) crc.getValue();
    }
}
