package io.tidemq.store.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The last commit point this replica knew, file {@code <storePath>/ha/commit-point}: the CommitLog offset below
 * which every record was held by every in-sync replica (a master's own commit point, a slave's confirm offset
 * from its master). It is a lower bound: written about once a second and at a clean stop, never ahead of the
 * commit point. After a restart dispatch stops at it until replication says more is committed, so consumers
 * never see, after a crash, a record that a truncation could still discard (Kafka's high-watermark checkpoint,
 * RocketMQ's {@code confirmOffset}).
 *
 * <pre>
 * offset  length  field
 *      0       4  magic "TCP1"
 *      4       4  version (1)
 *      8       8  commitPoint (CommitLog offset)
 *     16       4  crc32c of bytes [0, 16)
 * </pre>
 *
 * Written atomically ({@link AtomicFiles}). Stateless.
 */
public final class CommitPointFile {

    private static final Logger log = LoggerFactory.getLogger(CommitPointFile.class);
    public static final String FILE_NAME = "commit-point";
    static final int MAGIC = 0x54435031; // "TCP1"
    static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int COMMIT_POINT_OFFSET = 8;
    static final int CRC_OFFSET = 16;
    static final int LENGTH = 20;
    /** What {@link #load} answers when there is no usable file. */
    public static final long UNKNOWN = -1;

    private CommitPointFile() {
    }

    /**
     * @return the persisted commit point under {@code haDir}, or {@link #UNKNOWN} when the file is missing or
     *         damaged (logged): the caller then knows nothing about what was committed
     */
    public static long load(Path haDir) {
        Path file = haDir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return UNKNOWN;
        } catch (IOException e) {
            log.warn("cannot read {} ({}); the commit point is unknown until replication tells it", file, e.toString());
            return UNKNOWN;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length != LENGTH || buffer.getInt(MAGIC_OFFSET) != MAGIC || buffer.getInt(VERSION_OFFSET) != VERSION
                || buffer.getInt(CRC_OFFSET) != AtomicFiles.crc(bytes, CRC_OFFSET)
                || buffer.getLong(COMMIT_POINT_OFFSET) < 0) {
            log.warn("{} is damaged or of an unknown version; the commit point is unknown until replication tells"
                    + " it", file);
            return UNKNOWN;
        }
        return buffer.getLong(COMMIT_POINT_OFFSET);
    }

    /** Writes {@code commitPoint} atomically under {@code haDir}. */
    public static void store(Path haDir, long commitPoint) {
        if (commitPoint < 0) {
            throw new IllegalArgumentException("a commit point is a CommitLog offset >= 0, got " + commitPoint);
        }
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.putInt(MAGIC_OFFSET, MAGIC);
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putLong(COMMIT_POINT_OFFSET, commitPoint);
        buffer.putInt(CRC_OFFSET, AtomicFiles.crc(buffer.array(), CRC_OFFSET));
        AtomicFiles.replace(haDir.resolve(FILE_NAME), buffer.array());
    }
}
