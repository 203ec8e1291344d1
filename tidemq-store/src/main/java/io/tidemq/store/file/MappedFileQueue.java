package io.tidemq.store.file;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.StoreIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An unbounded log made of equal-sized {@link MappedFile}s in one directory, each named by the 20-digit offset
 * of its first byte. Offsets are contiguous: file {@code i} starts where file {@code i-1} ends.
 *
 * <p>Threads: the appender (under its owner's lock) rolls new files onto the end; retention removes files from
 * the front (never the last one); the flusher advances {@link #flushedWhere()}; recovery runs alone before any
 * of them. Readers look files up lock-free in a copy-on-write list; the list is small (hundreds of files), so
 * copying it on a roll once per file is cheaper than locking every read.
 */
public final class MappedFileQueue {

    private static final Logger log = LoggerFactory.getLogger(MappedFileQueue.class);
    private static final Pattern FILE_NAME = Pattern.compile("\\d{20}");

    private final Path dir;
    private final int fileSizeBytes;
    /** Creates files ahead of need; null means files are created on the appending thread. */
    private final AllocateMappedFileService allocator;
    private final boolean warmUpNewFiles;
    private final FileIo io;
    /** 0: a new file is allocated whole; else it is reserved this many bytes ahead of its appender. */
    private final int reserveAheadChunkBytes;

    /** Start offsets of files moved aside by load() (a hole before them). Written by load() only. */
    private final List<Long> movedAside = new ArrayList<>();
    /** Ordered by start offset. Appended by the appender, front-trimmed by retention, read by everyone. */
    private final CopyOnWriteArrayList<MappedFile> files = new CopyOnWriteArrayList<>();
    /**
     * End of the durable prefix. Written by the flush thread, by recovery, and by the appender when it creates an
     * empty queue's first file (before publishing the file, so the flusher never sees one without the other);
     * read by everyone.
     */
    private volatile long flushedWhere;
    /**
     * The first failed fsync, kept for good (fail-stop): afterwards {@link #flush} never forces again and
     * {@link #flushedWhere} never moves. Written once by the flush thread; read by everyone.
     */
    private volatile FsyncFailedException flushFailure;

    public MappedFileQueue(Path dir, int fileSizeBytes, AllocateMappedFileService allocator, boolean warmUpNewFiles) {
        this(dir, fileSizeBytes, allocator, warmUpNewFiles, FileIo.DEFAULT);
    }

    /** @param io how files are allocated and forced (a test seam; {@link FileIo#DEFAULT} in production) */
    public MappedFileQueue(Path dir, int fileSizeBytes, AllocateMappedFileService allocator, boolean warmUpNewFiles,
                           FileIo io) {
        this(dir, fileSizeBytes, allocator, warmUpNewFiles, io, 0);
    }

    /**
     * A queue whose files are reserved in chunks of {@code reserveAheadChunkBytes} just ahead of the appender
     * ({@link MappedFile#openReservingAhead}; the appender calls {@link MappedFile#ensureAllocated} before each
     * write), or allocated whole at creation when it is 0.
     */
    public MappedFileQueue(Path dir, int fileSizeBytes, AllocateMappedFileService allocator, boolean warmUpNewFiles,
                           FileIo io, int reserveAheadChunkBytes) {
        if (fileSizeBytes <= 0) {
            throw new IllegalArgumentException("fileSizeBytes must be positive, was " + fileSizeBytes);
        }
        this.dir = dir;
        this.fileSizeBytes = fileSizeBytes;
        this.allocator = allocator;
        this.warmUpNewFiles = warmUpNewFiles;
        this.io = io;
        this.reserveAheadChunkBytes = reserveAheadChunkBytes;
    }

    /**
     * Maps every file in the directory (creating the directory if needed). Every file is assumed full; the
     * owner's recovery then sets the real positions of the tail.
     */
    public void load() {
        List<Path> paths = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (Stream<Path> listing = Files.list(dir)) {
                listing.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches())
                        .filter(Files::isRegularFile)
                        .sorted()
                        .forEach(paths::add);
            }
        } catch (IOException e) {
            throw new StoreIOException("cannot list " + dir + ": " + e + "; check that it exists and is readable", e);
        }
        List<MappedFile> loaded = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            if (!loaded.isEmpty()) {
                MappedFile previous = loaded.get(loaded.size() - 1);
                if (previous.fileFromOffset() + fileSizeBytes != Long.parseLong(path.getFileName().toString())) {
                    moveAsideFrom(paths.subList(i, paths.size()), previous.fileFromOffset() + fileSizeBytes);
                    break;
                }
            }
            boolean last = i == paths.size() - 1;
            MappedFile file;
            if (reserveAheadChunkBytes > 0) {
                file = MappedFile.openReservingAhead(path, fileSizeBytes, io, reserveAheadChunkBytes, last);
            } else {
                file = last ? MappedFile.openLastOfQueue(path, fileSizeBytes, io)
                        : MappedFile.open(path, fileSizeBytes, io);
            }
            file.resetPositions(fileSizeBytes);
            loaded.add(file);
        }
        files.addAll(loaded);
        flushedWhere = maxOffset();
    }

    /**
     * Files after a hole (a missing file) are renamed out of the queue, so that appends can never reopen one of
     * them later and write over stale records that still carry valid offsets, and recovery can never take those
     * records for data. Each is logged at ERROR and remembered for the recovery report.
     */
    private void moveAsideFrom(List<Path> orphans, long missingOffset) {
        long stamp = System.currentTimeMillis();
        for (Path path : orphans) {
            Path aside = path.resolveSibling(path.getFileName() + ".after-hole-" + stamp);
            try {
                Files.move(path, aside);
                Durability.namespaceChanged(aside);
            } catch (IOException e) {
                throw new StoreIOException("cannot move " + path + " aside: it follows a hole in " + dir + " (file "
                        + MappedFile.fileName(missingOffset) + " is missing): " + e + "; move it out of the directory"
                        + " by hand, or restore the missing file", e);
            }
            movedAside.add(Long.parseLong(path.getFileName().toString()));
            log.error("{} follows a hole in {} (file {} is missing): moved aside to {}; its records are not served."
                    + " Restore the missing file and rename this one back to recover them, or delete it",
                    path.getFileName(), dir, MappedFile.fileName(missingOffset), aside.getFileName());
        }
    }

    /** Start offsets of the files {@link #load()} moved aside because they followed a hole (recovery reports). */
    public List<Long> movedAsideAtLoad() {
        return List.copyOf(movedAside);
    }

    /** A snapshot of the files, oldest first. */
    public List<MappedFile> files() {
        return List.copyOf(files);
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    public MappedFile firstFile() {
        try {
            return files.isEmpty() ? null : files.get(0);
        } catch (IndexOutOfBoundsException raced) {
            return null;
        }
    }

    public MappedFile lastFile() {
        while (true) {
            int size = files.size();
            if (size == 0) {
                return null;
            }
            try {
                return files.get(size - 1);
            } catch (IndexOutOfBoundsException raced) {
                // retention removed a file between size() and get(); retry
            }
        }
    }

    /**
     * The file to append to: the last one, or a new one when the queue is empty or the last file is full.
     * Called by the appender only.
     *
     * @param startOffsetIfEmpty where the first file should start when the queue has none (rounded down to a
     *                           file boundary)
     */
    public MappedFile lastFileForAppend(long startOffsetIfEmpty) {
        MappedFile last = lastFile();
        if (last != null && !last.isFull()) {
            return last;
        }
        long from = last == null ? startOffsetIfEmpty - (startOffsetIfEmpty % fileSizeBytes)
                : last.fileFromOffset() + fileSizeBytes;
        MappedFile created = createFile(from);
        if (last == null && flushedWhere < from) {
            // a queue whose first file starts past 0 (a ConsumeQueue rebuilt after its files were lost): nothing
            // below the file exists, so the flush starts at its first byte (flush() looks the file up by offset)
            flushedWhere = from;
        }
        files.add(created);
        return created;
    }

    private MappedFile createFile(long fromOffset) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreIOException("cannot create directory " + dir + ": " + e + "; check permissions", e);
        }
        Path path = dir.resolve(MappedFile.fileName(fromOffset));
        if (reserveAheadChunkBytes > 0) {
            return MappedFile.openReservingAhead(path, fileSizeBytes, io, reserveAheadChunkBytes, false);
        }
        if (allocator != null) {
            Path next = dir.resolve(MappedFile.fileName(fromOffset + fileSizeBytes));
            return allocator.allocate(path, next, fileSizeBytes);
        }
        MappedFile file = MappedFile.open(path, fileSizeBytes, io);
        if (warmUpNewFiles) {
            file.warmUp(false);
        }
        return file;
    }

    /** The file holding {@code offset}, or null when no file does (deleted or not yet written). */
    public MappedFile findByOffset(long offset) {
        MappedFile first = firstFile();
        if (first == null || offset < first.fileFromOffset()) {
            return null;
        }
        long index = (offset - first.fileFromOffset()) / fileSizeBytes;
        if (index < files.size()) {
            try {
                MappedFile candidate = files.get((int) index);
                if (contains(candidate, offset)) {
                    return candidate;
                }
            } catch (IndexOutOfBoundsException raced) {
                // fall through to the scan
            }
        }
        for (MappedFile file : files) {
            if (contains(file, offset)) {
                return file;
            }
        }
        return null;
    }

    private boolean contains(MappedFile file, long offset) {
        return offset >= file.fileFromOffset() && offset < file.fileFromOffset() + fileSizeBytes;
    }

    /** Offset of the first byte still held, or 0 for an empty queue. */
    public long minOffset() {
        MappedFile first = firstFile();
        return first == null ? 0 : first.fileFromOffset();
    }

    /** One past the last byte written, or 0 for an empty queue. */
    public long maxOffset() {
        MappedFile last = lastFile();
        return last == null ? 0 : last.fileFromOffset() + last.wrotePosition();
    }

    public long flushedWhere() {
        return flushedWhere;
    }

    /** The failed fsync that stopped this queue, or null while every fsync succeeded. */
    public FsyncFailedException flushFailure() {
        return flushFailure;
    }

    /** Recovery only. */
    public void setFlushedWhere(long offset) {
        this.flushedWhere = offset;
    }

    public int fileSizeBytes() {
        return fileSizeBytes;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Flushes from {@link #flushedWhere()} forward, crossing into later files when earlier ones are complete.
     * Called by one flusher at a time.
     *
     * <p>A failed fsync is final: Linux reports a write-back error once and may mark the failed pages clean,
     * so a retry would "succeed" without the bytes being on disk. The first failure is kept, the flushed offset
     * stays below the failed range for good, and this and every later call throw it.
     *
     * @param leastPages minimum dirty OS pages before a partial file is flushed (0 = flush anything dirty)
     * @return whether the flushed offset advanced
     * @throws FsyncFailedException when this or an earlier flush failed
     */
    public boolean flush(int leastPages) {
        FsyncFailedException failed = flushFailure;
        if (failed != null) {
            throw failed;
        }
        boolean advanced = false;
        while (true) {
            long where = flushedWhere;
            MappedFile file = findByOffset(where);
            if (file == null) {
                MappedFile first = firstFile();
                if (first == null || where >= first.fileFromOffset()) {
                    return advanced;
                }
                // retention deleted files this flush had not reached (their records are gone, nothing of them
                // needs to be durable): carry on from the first file held, else nothing would ever be flushed again
                flushedWhere = first.fileFromOffset();
                continue;
            }
            int position;
            try {
                position = file.flush(leastPages);
            } catch (RuntimeException e) {
                flushFailure = new FsyncFailedException("fsync of " + dir + " failed at offset " + where
                        + "; the store stopped acknowledging writes (fail-stop): data from offset " + where
                        + " on may not be on disk. Check the disk (dmesg, SMART), then restart: recovery"
                        + " verifies every record after the last checkpoint by checksum. Cause: " + e.getMessage(), e);
                log.error("fsync of {} failed at offset {}: the store is FAIL-STOPPED (no more acknowledged writes"
                        + " until restart)", dir, where, e);
                throw flushFailure;
            }
            long newWhere = file.fileFromOffset() + position;
            if (newWhere <= where) {
                return advanced;
            }
            flushedWhere = newWhere;
            advanced = true;
            if (position < fileSizeBytes) {
                return true;
            }
        }
    }

    /**
     * Recovery only: forces every file holding bytes at or after {@code fromOffset}, each from its first byte to
     * its write position, then declares the whole queue flushed. Recovery must not call anything durable that a
     * previous process wrote but may never have forced.
     *
     * @throws io.tidemq.store.api.StoreIOException when the device reports a write-back error
     */
    public void forceFrom(long fromOffset) {
        for (MappedFile file : files) {
            if (file.fileFromOffset() + fileSizeBytes > fromOffset) {
                file.forceWritten();
            }
        }
        flushedWhere = maxOffset();
    }

    /**
     * Recovery only: makes {@code offset} the end of the queue. The file holding it keeps its prefix and is
     * zeroed after it (so stale bytes cannot be mistaken for data by a later recovery); files after it are
     * deleted.
     */
    public void truncateDirty(long offset) {
        List<MappedFile> doomed = new ArrayList<>();
        for (MappedFile file : files) {
            long fileEnd = file.fileFromOffset() + fileSizeBytes;
            if (fileEnd <= offset) {
                continue;
            }
            if (file.fileFromOffset() <= offset) {
                int position = (int) (offset - file.fileFromOffset());
                file.resetPositions(position);
                file.zeroFrom(position);
            } else {
                doomed.add(file);
            }
        }
        for (MappedFile file : doomed) {
            files.remove(file);
            file.destroy();
        }
        if (flushedWhere > offset) {
            flushedWhere = offset;
        }
    }

    /**
     * Deletes files from the front while {@code expired} accepts them, oldest first, at most {@code maxFiles},
     * never the last (active) file. Stops at the first file not accepted, so the queue stays contiguous.
     *
     * @return the files deleted
     */
    public List<MappedFile> deleteExpired(Predicate<MappedFile> expired, int maxFiles) {
        List<MappedFile> deleted = new ArrayList<>();
        List<MappedFile> snapshot = files();
        for (int i = 0; i < snapshot.size() - 1 && deleted.size() < maxFiles; i++) {
            MappedFile file = snapshot.get(i);
            if (!expired.test(file)) {
                break;
            }
            files.remove(file);
            file.destroy();
            deleted.add(file);
        }
        return deleted;
    }

    /** Unmaps every file without deleting anything (store shutdown). */
    public void shutdown() {
        for (MappedFile file : files) {
            file.shutdown();
        }
    }

    /** Deletes every file (used when a whole queue is dropped). */
    public void destroy() {
        for (MappedFile file : files) {
            file.destroy();
        }
        files.clear();
        flushedWhere = 0;
    }
}
