package io.tidemq.store.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The identity of one replica's store, file {@code <storePath>/ha/replica.meta}: the broker group, the configured
 * replica id, a UUID made when the store was created (a wiped disk gets a new one, so a master tells "the same
 * replica restarted" from "an empty replica with the same id") and an incarnation counter incremented at every
 * start. Layout (big-endian): magic {@code TRM1}, version 1, group length (2) + UTF-8 group, replica id (4),
 * UUID (16), incarnation (8), CRC32C of everything before it (4). Written atomically ({@link AtomicFiles}).
 * Immutable.
 */
public record ReplicaMeta(String group, int replicaId, UUID storeUuid, long incarnation) {

    private static final Logger log = LoggerFactory.getLogger(ReplicaMeta.class);
    public static final String FILE_NAME = "replica.meta";
    static final int MAGIC = 0x54524D31; // "TRM1"
    static final int VERSION = 1;
    private static final int MAX_GROUP_BYTES = 255;

    public ReplicaMeta {
        if (group == null || group.isEmpty() || group.getBytes(StandardCharsets.UTF_8).length > MAX_GROUP_BYTES) {
            throw new IllegalArgumentException("the broker group name must have 1.." + MAX_GROUP_BYTES
                    + " UTF-8 bytes, got '" + group + "'");
        }
        if (replicaId < 0) {
            throw new IllegalArgumentException("replicaId must be >= 0, got " + replicaId);
        }
    }

    /**
     * Reads the meta file of the store under {@code haDir}, checks it belongs to {@code group}/{@code replicaId},
     * increments the incarnation and writes it back; creates it (new UUID, incarnation 1) when absent.
     *
     * @param storeHasData whether the CommitLog holds data: a store with data and no meta file is refused
     *                     unless {@code adoptExistingStore} (the operator vouches that it is this replica's)
     * @throws HaFileException when the file is damaged, belongs to another group or replica, or is missing
     *                         beside existing data
     */
    public static ReplicaMeta openForStart(Path haDir, String group, int replicaId, boolean storeHasData,
                                           boolean adoptExistingStore) {
        Path file = haDir.resolve(FILE_NAME);
        ReplicaMeta next;
        if (!Files.exists(file)) {
            if (storeHasData && !adoptExistingStore) {
                throw new HaFileException("the store beside " + haDir + " holds CommitLog data but has no "
                        + FILE_NAME + ", so it cannot be told apart from another replica's store; if this data is"
                        + " this replica's, start once with haAdoptExistingStore=true, otherwise empty the store");
            }
            next = new ReplicaMeta(group, replicaId, UUID.randomUUID(), 1);
            log.info("created {} for group {} replica {} (store UUID {})", file, group, replicaId, next.storeUuid());
        } else {
            ReplicaMeta previous = read(file);
            if (!previous.group().equals(group) || previous.replicaId() != replicaId) {
                throw new HaFileException(file + " belongs to group " + previous.group() + " replica "
                        + previous.replicaId() + ", but this broker is configured as group " + group + " replica "
                        + replicaId + "; fix brokerGroup/replicaId or point storePath at this replica's store");
            }
            next = new ReplicaMeta(group, replicaId, previous.storeUuid(), previous.incarnation() + 1);
        }
        next.write(file);
        return next;
    }

    /** @throws HaFileException when the file is unreadable or damaged */
    public static ReplicaMeta read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HaFileException("cannot read " + file + ": " + e + "; check permissions", e);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (buffer.getInt() != MAGIC || buffer.getInt() != VERSION) {
                throw damaged(file, "wrong magic or version");
            }
            int groupLength = Short.toUnsignedInt(buffer.getShort());
            if (groupLength == 0 || groupLength > MAX_GROUP_BYTES || groupLength > buffer.remaining()) {
                throw damaged(file, "group length " + groupLength);
            }
            byte[] groupBytes = new byte[groupLength];
            buffer.get(groupBytes);
            int replicaId = buffer.getInt();
            UUID uuid = new UUID(buffer.getLong(), buffer.getLong());
            long incarnation = buffer.getLong();
            int crcAt = buffer.position();
            if (buffer.getInt() != AtomicFiles.crc(bytes, crcAt) || buffer.hasRemaining()) {
                throw damaged(file, "checksum mismatch");
            }
            return new ReplicaMeta(new String(groupBytes, StandardCharsets.UTF_8), replicaId, uuid, incarnation);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw damaged(file, "truncated or invalid (" + e + ")");
        }
    }

    private static HaFileException damaged(Path file, String why) {
        return new HaFileException(file + " is damaged (" + why + "); restore it from a backup, or, if this"
                + " replica's data is to be re-synced from the master, empty the store directory");
    }

    byte[] encode() {
        byte[] groupBytes = group.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 + 2 + groupBytes.length + 4 + 16 + 8 + 4);
        buffer.putInt(MAGIC).putInt(VERSION).putShort((short) groupBytes.length).put(groupBytes).putInt(replicaId)
                .putLong(storeUuid.getMostSignificantBits()).putLong(storeUuid.getLeastSignificantBits())
                .putLong(incarnation);
        buffer.putInt(AtomicFiles.crc(buffer.array(), buffer.position()));
        return buffer.array();
    }

    void write(Path file) {
        AtomicFiles.replace(file, encode());
    }
}
