package io.tidemq.store.recovery;

import io.tidemq.common.io.AtomicFile;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.file.Durability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The {@code checkpoint} file: how far each structure was durable when it was last written. Written
 * atomically ({@link AtomicFile#replace}: temp file, fsync, rename, fsync of the directory) so a crash leaves either the old or the new
 * checkpoint, never a torn one; a CRC32C guards against anything else.
 *
 * <pre>
 * offset  length  field
 *      0       4  magic "TMQC"
 *      4       4  version (1)
 *      8       8  commitLogFlushedOffset        CommitLog bytes below this were fsynced
 *     16       8  commitLogFlushTimestampMs
 *     24       8  consumeQueueFlushedOffset     every record below this CommitLog offset has its entry durable
 *     32       8  consumeQueueFlushTimestampMs
 *     40       8  indexFlushTimestampMs
 *     48       8  indexFlushedOffset            every record below this CommitLog offset is durably indexed
 *     56       8  cleanShutdownEndOffset        the CommitLog's exact end, written only by a clean close(); -1
 *                                               in every periodic checkpoint
 *     64       4  crc32c of bytes [0, 64)
 * </pre>
 *
 * <p>Version 1 files (60 bytes, CRC at 56, no clean end) are still read, with {@code cleanShutdownEndOffset = -1}.
 *
 * @param commitLogFlushedOffset       see layout
 * @param commitLogFlushTimestampMs    see layout
 * @param consumeQueueFlushedOffset    see layout
 * @param consumeQueueFlushTimestampMs see layout
 * @param indexFlushTimestampMs        see layout
 * @param indexFlushedOffset           see layout
 * @param cleanShutdownEndOffset       see layout
 */
public record StoreCheckpoint(long commitLogFlushedOffset, long commitLogFlushTimestampMs,
                              long consumeQueueFlushedOffset, long consumeQueueFlushTimestampMs,
                              long indexFlushTimestampMs, long indexFlushedOffset, long cleanShutdownEndOffset) {

    public static final String FILE_NAME = "checkpoint";
    public static final int MAGIC = 0x544D5143;
    public static final int VERSION = 2;
    /** The previous version: no clean end, CRC at 56, 60 bytes. Still readable. */
    public static final int VERSION_1 = 1;
    public static final int VERSION_1_CRC_OFFSET = 56;
    public static final int VERSION_1_LENGTH = 60;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int COMMIT_LOG_FLUSHED_OFFSET_OFFSET = 8;
    public static final int COMMIT_LOG_FLUSH_TIMESTAMP_OFFSET = 16;
    public static final int CONSUME_QUEUE_FLUSHED_OFFSET_OFFSET = 24;
    public static final int CONSUME_QUEUE_FLUSH_TIMESTAMP_OFFSET = 32;
    public static final int INDEX_FLUSH_TIMESTAMP_OFFSET = 40;
    public static final int INDEX_FLUSHED_OFFSET_OFFSET = 48;
    public static final int CLEAN_SHUTDOWN_END_OFFSET_OFFSET = 56;
    public static final int CRC_OFFSET = 64;
    public static final int LENGTH = 68;

    private static final Logger log = LoggerFactory.getLogger(StoreCheckpoint.class);

    /** Nothing known to be durable: recovery verifies the last three files and re-dispatches everything. */
    public static final StoreCheckpoint NONE = new StoreCheckpoint(-1, 0, -1, 0, 0, -1, -1);

    /** A periodic checkpoint: no clean end. */
    public StoreCheckpoint(long commitLogFlushedOffset, long commitLogFlushTimestampMs, long consumeQueueFlushedOffset,
                           long consumeQueueFlushTimestampMs, long indexFlushTimestampMs, long indexFlushedOffset) {
        this(commitLogFlushedOffset, commitLogFlushTimestampMs, consumeQueueFlushedOffset, consumeQueueFlushTimestampMs,
                indexFlushTimestampMs, indexFlushedOffset, -1);
    }

    public boolean isKnown() {
        return commitLogFlushedOffset >= 0;
    }

    /** Whether a clean close() wrote this checkpoint with the CommitLog's exact end. */
    public boolean hasCleanShutdownEnd() {
        return cleanShutdownEndOffset >= 0;
    }

    /** Reads the checkpoint under {@code storePath}; {@link #NONE} when missing or damaged (logged). */
    public static StoreCheckpoint load(Path storePath) {
        Path file = storePath.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            log.warn("cannot read {} ({}); recovering without a checkpoint", file, e.toString());
            return NONE;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int version = bytes.length >= VERSION_OFFSET + 4 ? buffer.getInt(VERSION_OFFSET) : -1;
        int crcOffset = version == VERSION_1 ? VERSION_1_CRC_OFFSET : CRC_OFFSET;
        int length = version == VERSION_1 ? VERSION_1_LENGTH : LENGTH;
        if (bytes.length != length || buffer.getInt(MAGIC_OFFSET) != MAGIC
                || (version != VERSION && version != VERSION_1) || buffer.getInt(crcOffset) != crc(bytes, crcOffset)) {
            log.warn("{} is damaged or of an unknown version; recovering without a checkpoint", file);
            return NONE;
        }
        long cleanEnd = version == VERSION_1 ? -1 : buffer.getLong(CLEAN_SHUTDOWN_END_OFFSET_OFFSET);
        return new StoreCheckpoint(buffer.getLong(COMMIT_LOG_FLUSHED_OFFSET_OFFSET),
                buffer.getLong(COMMIT_LOG_FLUSH_TIMESTAMP_OFFSET), buffer.getLong(CONSUME_QUEUE_FLUSHED_OFFSET_OFFSET),
                buffer.getLong(CONSUME_QUEUE_FLUSH_TIMESTAMP_OFFSET), buffer.getLong(INDEX_FLUSH_TIMESTAMP_OFFSET),
                buffer.getLong(INDEX_FLUSHED_OFFSET_OFFSET), cleanEnd);
    }

    /** Writes this checkpoint atomically under {@code storePath}. */
    public void store(Path storePath) {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.putInt(MAGIC_OFFSET, MAGIC);
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putLong(COMMIT_LOG_FLUSHED_OFFSET_OFFSET, commitLogFlushedOffset);
        buffer.putLong(COMMIT_LOG_FLUSH_TIMESTAMP_OFFSET, commitLogFlushTimestampMs);
        buffer.putLong(CONSUME_QUEUE_FLUSHED_OFFSET_OFFSET, consumeQueueFlushedOffset);
        buffer.putLong(CONSUME_QUEUE_FLUSH_TIMESTAMP_OFFSET, consumeQueueFlushTimestampMs);
        buffer.putLong(INDEX_FLUSH_TIMESTAMP_OFFSET, indexFlushTimestampMs);
        buffer.putLong(INDEX_FLUSHED_OFFSET_OFFSET, indexFlushedOffset);
        buffer.putLong(CLEAN_SHUTDOWN_END_OFFSET_OFFSET, cleanShutdownEndOffset);
        buffer.putInt(CRC_OFFSET, crc(buffer.array(), CRC_OFFSET));
        Path target = storePath.resolve(FILE_NAME);
        try {
            AtomicFile.replace(target, buffer, Durability.ATOMIC_FILE_IO);
        } catch (IOException e) {
            throw new StoreIOException("cannot write " + target + ": " + e + "; check free disk space", e);
        }
    }

    private static int crc(byte[] bytes, int crcOffset) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcOffset);
        return (int) crc.getValue();
    }
}
