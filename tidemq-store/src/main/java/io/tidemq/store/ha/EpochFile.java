package io.tidemq.store.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The epoch lineage of a replica's CommitLog, file {@code <storePath>/ha/epoch} with a copy in {@code epoch.bak}:
 * magic {@code TEP1}, version 1, count (4), then {@code count} × (epoch (4), startOffset (8)), then CRC32C of
 * everything before it (4). Both files are replaced atomically ({@link AtomicFiles}) on every change; a read
 * falls back to the copy when the main file is missing or damaged.
 *
 * <p>Rules: entries strictly increase in epoch and in start offset (KAFKA-7415); the master appends (and fsyncs)
 * the entry of its epoch before its first write in it; every truncation of the log calls
 * {@link #truncateSuffix}; retention calls {@link #truncatePrefix}. At most {@link #MAX_ENTRIES} are kept.
 *
 * <p>Thread-safety: every method is synchronized on this; {@link #entries()} returns an immutable snapshot.
 */
public final class EpochFile {

    private static final Logger log = LoggerFactory.getLogger(EpochFile.class);
    public static final String FILE_NAME = "epoch";
    public static final String BACKUP_NAME = "epoch.bak";
    public static final int MAX_ENTRIES = 4096;
    static final int MAGIC = 0x54455031; // "TEP1"
    static final int VERSION = 1;
    private static final int ENTRY_BYTES = 12;
    private static final int HEADER_BYTES = 12;

    private final Path file;
    private final Path backup;
    /** Guarded by this; replaced (copy on write) on every change. */
    private List<EpochEntry> entries;

    private EpochFile(Path haDir, List<EpochEntry> entries) {
        this.file = haDir.resolve(FILE_NAME);
        this.backup = haDir.resolve(BACKUP_NAME);
        this.entries = List.copyOf(entries);
    }

    /**
     * Loads the lineage under {@code haDir} (empty when neither file exists).
     *
     * @throws HaFileException when both the file and its copy are damaged
     */
    public static EpochFile load(Path haDir) {
        Path file = haDir.resolve(FILE_NAME);
        Path backup = haDir.resolve(BACKUP_NAME);
        List<EpochEntry> main = readOrNull(file);
        if (main != null) {
            return new EpochFile(haDir, main);
        }
        List<EpochEntry> copy = readOrNull(backup);
        if (copy != null) {
            log.warn("{} is missing or damaged; using its copy {} ({} entries)", file, backup, copy.size());
            EpochFile loaded = new EpochFile(haDir, copy);
            loaded.persist();
            return loaded;
        }
        if (Files.exists(file) || Files.exists(backup)) {
            throw new HaFileException("both " + file + " and " + backup + " are damaged, so this replica's epoch"
                    + " lineage is unknown; empty the store directory to re-sync this replica from its master");
        }
        return new EpochFile(haDir, List.of());
    }

    /** @return the entries, or null when the file is missing or fails its checks (the reason is logged) */
    private static List<EpochEntry> readOrNull(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.warn("cannot read {}: {}", path, e.toString());
            return null;
        }
        try {
            return decode(bytes);
        } catch (IllegalArgumentException e) {
            log.warn("{} is damaged: {}", path, e.getMessage());
            return null;
        }
    }

    static List<EpochEntry> decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES + 4) {
            throw new IllegalArgumentException("only " + bytes.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.getInt() != MAGIC || buffer.getInt() != VERSION) {
            throw new IllegalArgumentException("wrong magic or version");
        }
        int count = buffer.getInt();
        if (count < 0 || count > MAX_ENTRIES || bytes.length != HEADER_BYTES + count * ENTRY_BYTES + 4) {
            throw new IllegalArgumentException("count " + count + " does not match the length " + bytes.length);
        }
        int crcAt = HEADER_BYTES + count * ENTRY_BYTES;
        if (buffer.getInt(crcAt) != AtomicFiles.crc(bytes, crcAt)) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        List<EpochEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            EpochEntry entry = new EpochEntry(buffer.getInt(), buffer.getLong());
            if (!entries.isEmpty() && !follows(entries.get(entries.size() - 1), entry)) {
                throw new IllegalArgumentException("entry " + entry + " does not follow " + entries.get(i - 1));
            }
            entries.add(entry);
        }
        return entries;
    }

    static byte[] encode(List<EpochEntry> entries) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + entries.size() * ENTRY_BYTES + 4);
        buffer.putInt(MAGIC).putInt(VERSION).putInt(entries.size());
        for (EpochEntry entry : entries) {
            buffer.putInt(entry.epoch()).putLong(entry.startOffset());
        }
        buffer.putInt(AtomicFiles.crc(buffer.array(), buffer.position()));
        return buffer.array();
    }

    private static boolean follows(EpochEntry previous, EpochEntry next) {
        return next.epoch() > previous.epoch() && next.startOffset() > previous.startOffset();
    }

    public synchronized List<EpochEntry> entries() {
        return entries;
    }

    /** The last entry, or null when the lineage is empty. */
    public synchronized EpochEntry last() {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }

    /** The highest epoch recorded, or 0 when none is. */
    public synchronized int lastEpoch() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).epoch();
    }

    /**
     * Appends {@code entry} and makes it durable before returning. Appending the last entry again is a no-op; an
     * entry of a higher epoch at the last entry's start offset replaces it (that epoch wrote nothing).
     *
     * @throws IllegalArgumentException when the entry does not follow the last one in epoch and offset
     */
    public synchronized void append(EpochEntry entry) {
        EpochEntry last = last();
        if (entry.equals(last)) {
            return;
        }
        List<EpochEntry> next = new ArrayList<>(entries);
        if (last != null && entry.epoch() > last.epoch() && entry.startOffset() == last.startOffset()) {
            next.remove(next.size() - 1);
        } else if (last != null && !follows(last, entry)) {
            throw new IllegalArgumentException("epoch entry " + entry + " does not follow " + last
                    + ": epochs and start offsets must both increase");
        }
        next.add(entry);
        if (next.size() > MAX_ENTRIES) {
            next.remove(0);
        }
        entries = List.copyOf(next);
        persist();
    }

    /** Log truncated to {@code logEnd}: drops every entry starting at or after it. Call on every truncation. */
    public synchronized void truncateSuffix(long logEnd) {
        int keep = entries.size();
        while (keep > 0 && entries.get(keep - 1).startOffset() >= logEnd) {
            keep--;
        }
        if (keep != entries.size()) {
            log.info("epoch lineage truncated at offset {}: dropped {}", logEnd, entries.subList(keep, entries.size()));
            entries = List.copyOf(entries.subList(0, keep));
            persist();
        }
    }

    /**
     * Log start moved to {@code logStart} (retention): drops entries whose data is all below it and moves the
     * start of the entry holding it up to it.
     */
    public synchronized void truncatePrefix(long logStart) {
        List<EpochEntry> next = new ArrayList<>(entries);
        while (next.size() > 1 && next.get(1).startOffset() <= logStart) {
            next.remove(0);
        }
        if (!next.isEmpty() && next.get(0).startOffset() < logStart) {
            next.set(0, new EpochEntry(next.get(0).epoch(), logStart));
        }
        if (!next.equals(entries)) {
            entries = List.copyOf(next);
            persist();
        }
    }

    /** Replaces the whole lineage (a replica re-synced from scratch). */
    public synchronized void reset(List<EpochEntry> lineage) {
        entries = List.copyOf(lineage);
        persist();
    }

    private void persist() {
        byte[] bytes = encode(entries);
        AtomicFiles.replace(file, bytes);
        AtomicFiles.replace(backup, bytes);
    }
}
