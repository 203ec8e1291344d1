package io.tidemq.store.index;

import io.tidemq.store.commitlog.DispatchRequest;
import io.tidemq.store.dispatch.CommitLogDispatcher;
import io.tidemq.store.file.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key index: which CommitLog offsets hold messages of topic T with business key K (or unique message
 * id U). Each key of a record is indexed as "topic#key" in a chain of fixed-size hash-slot files (layout in
 * {@link IndexFileLayout}, and in docs/storage-format.md, "Key index file").
 *
 * <p><b>Answers are candidates.</b> Only a 32-bit hash of "topic#key" is stored, so different keys that
 * collide share results: a caller must read each returned record and check its topic and keys before using
 * it. Results never miss an indexed record whose store time lies in the queried range.
 *
 * <p><b>Files.</b> A file is created when the first record that needs it arrives, and is named by that
 * record's CommitLog offset (20 digits, zero-padded), so name order is index order. A new file starts when
 * the current one cannot hold all keys of the next record, or when the record's store time is more than
 * {@code Integer.MAX_VALUE} ms (about 24.8 days) after the file's first entry.
 *
 * <p><b>Time.</b> Entries store milliseconds. Store times are made non-decreasing across the index (a
 * record stored while the wall clock stepped back is indexed at the previous record's time), which lets a
 * lookup stop walking a chain at the first entry older than the queried range.
 *
 * <p><b>Threading.</b> {@link #dispatch} runs on the single dispatcher thread only, which alone appends
 * entries and creates files. Queries run on any thread without blocking the dispatcher: see
 * {@link IndexFile} for the release/acquire publication of entries. {@link #lifecycleLock} keeps files
 * mapped while anyone uses them: dispatch, query and flush hold the read lock; {@link #deleteFilesBelow}
 * and {@link #close} take the write lock to unmap, so an unmapped buffer is never touched.
 */
public final class IndexService implements CommitLogDispatcher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IndexService.class);

    private final Path dir;
    private final int hashSlots;
    private final int maxEntriesPerFile;

    private final ReentrantReadWriteLock lifecycleLock = new ReentrantReadWriteLock();
    /** Oldest first. Appended by the dispatcher and removed under the write lock; readers iterate freely. */
    private final CopyOnWriteArrayList<IndexFile> files = new CopyOnWriteArrayList<>();
    /** Written by the dispatcher (and load); volatile for the recovery code and tests that read it. */
    private volatile long maxIndexedOffset = -1;
    /** Dispatcher thread only: the store time given to the newest entry. */
    private long lastIndexedTimestampMs = Long.MIN_VALUE;
    /** Set by {@link #rollBackTo} (recovery, before dispatch starts): a record start to re-dispatch from. */
    private long reindexFrom = Long.MAX_VALUE;
    /** Guarded by {@link #lifecycleLock}: set under the write lock, checked under the read lock. */
    private boolean loaded;
    private boolean closed;

    /**
     * @param dir               directory of the index files; created by {@link #load()} if missing
     * @param hashSlots         slots per file; about the expected distinct keys per file keeps chains short
     * @param maxEntriesPerFile entries per file before a new file starts
     */
    public IndexService(Path dir, int hashSlots, int maxEntriesPerFile) {
        if (hashSlots < 1) {
            throw new IllegalArgumentException("hashSlots must be at least 1, was " + hashSlots);
        }
        if (maxEntriesPerFile < 1) {
            throw new IllegalArgumentException("maxEntriesPerFile must be at least 1, was " + maxEntriesPerFile);
        }
        long sizeBytes = IndexFileLayout.fileSizeBytes(hashSlots, maxEntriesPerFile);
        if (sizeBytes > IndexFileLayout.MAX_FILE_SIZE_BYTES) {
            throw new IllegalArgumentException("hashSlots (" + hashSlots + ") and maxEntriesPerFile ("
                    + maxEntriesPerFile + ") give a " + sizeBytes + "-byte index file; the maximum is "
                    + IndexFileLayout.MAX_FILE_SIZE_BYTES + ", i.e. 56 + 4 * hashSlots + 20 * maxEntriesPerFile");
        }
        this.dir = dir;
        this.hashSlots = hashSlots;
        this.maxEntriesPerFile = maxEntriesPerFile;
    }

    /**
     * An index file {@link #load()} deleted because its creation was interrupted by a crash (or because it came
     * after such a file).
     *
     * @param beginOffset the CommitLog offset of its first record (its name)
     * @param bytes       its size on disk
     */
    public record DeletedFile(Path path, long beginOffset, long bytes) {
    }

    /** The files {@link #load()} deleted, oldest first. Written by load only, before dispatch starts. */
    private final List<DeletedFile> deletedAtLoad = new ArrayList<>();
    /** Set by {@link #load()}: first CommitLog offset of the first deleted file, else {@code Long.MAX_VALUE}. */
    private long interruptedFrom = Long.MAX_VALUE;

    /** After {@link #load()}: the files it deleted because a crash interrupted their creation. */
    public List<DeletedFile> deletedAtLoad() {
        return List.copyOf(deletedAtLoad);
    }

    /**
     * After {@link #load()}: the CommitLog offset re-dispatch must start at, at the latest, to rebuild the files
     * it deleted; {@code Long.MAX_VALUE} when it deleted none.
     */
    public long rebuildFromAfterLoad() {
        return interruptedFrom;
    }

    /** Opens the files left by a previous run. Call once, before the first {@link #dispatch}. */
    public void load() {
        lifecycleLock.writeLock().lock();
        try {
            if (loaded || closed) {
                throw new IllegalStateException("IndexService.load() may be called once, before close()");
            }
            Files.createDirectories(dir);
            List<Path> paths;
            try (Stream<Path> listing = Files.list(dir)) {
                paths = listing.filter(p -> IndexFileLayout.isIndexFileName(p.getFileName().toString()))
                        .sorted()
                        .toList();
            }
            for (Path path : paths) {
                IndexFile file = interruptedFrom == Long.MAX_VALUE ? IndexFile.open(path) : null;
                if (file != null) {
                    files.add(file);
                    continue;
                }
                // a file whose creation a crash interrupted (it never held an entry), or a later one: deleted, and
                // rebuilt by re-dispatch from the interrupted file's first record (later files too, since the
                // index only appends past its newest entry)
                long beginOffset = Long.parseLong(path.getFileName().toString());
                long sizeBytes = Files.size(path);
                if (interruptedFrom == Long.MAX_VALUE) {
                    interruptedFrom = beginOffset;
                    log.warn("Key index file {} ({} bytes) was being created when the store stopped; deleting it"
                            + " (and any later index file) and rebuilding from CommitLog offset {}", path, sizeBytes,
                            beginOffset);
                }
                Files.delete(path);
                Durability.namespaceChanged(path);
                deletedAtLoad.add(new DeletedFile(path, beginOffset, sizeBytes));
            }
            if (!files.isEmpty()) {
                IndexFile newest = files.get(files.size() - 1);
                maxIndexedOffset = newest.endPhysicalOffset();
                lastIndexedTimestampMs = newest.endTimestampMs();
            }
            loaded = true;
            log.info("Key index loaded: {} files in {}, max indexed CommitLog offset {}", files.size(), dir,
                    maxIndexedOffset);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the key index directory " + dir
                    + "; check that it exists and is readable and writable", e);
        } finally {
            lifecycleLock.writeLock().unlock();
        }
    }

    /**
     * Indexes {@code r.uniqueKey()} and each space-separated word of {@code r.keys()} as "topic#key".
     * Records with neither, and records at or below {@link #maxIndexedCommitLogOffset()} (already indexed,
     * e.g. re-dispatched on recovery), are skipped. A record's keys never span two files; a record with
     * more keys than {@code maxEntriesPerFile} keeps only the first ones.
     */
    @Override
    public void dispatch(DispatchRequest r) {
        String uniqueKey = r.uniqueKey();
        String keys = r.keys();
        int keyCount = (uniqueKey == null || uniqueKey.isEmpty() ? 0 : 1) + countWords(keys);
        if (keyCount == 0 || r.commitLogOffset() <= maxIndexedOffset) {
            return;
        }
        lifecycleLock.readLock().lock();
        try {
            ensureOpen();
            long timestampMs = Math.max(r.storeTimestampMs(), lastIndexedTimestampMs);
            if (keyCount > maxEntriesPerFile) {
                log.warn("Record at CommitLog offset {} has {} keys; indexing only the first {} (maxEntriesPerFile)",
                        r.commitLogOffset(), keyCount, maxEntriesPerFile);
                keyCount = maxEntriesPerFile;
            }
            IndexFile file = writableFile(keyCount, r.commitLogOffset(), timestampMs);
            String topic = r.topic();
            int remaining = keyCount;
            if (uniqueKey != null && !uniqueKey.isEmpty()) {
                file.append(IndexKeyHash.of(topic, uniqueKey), r.commitLogOffset(), timestampMs);
                remaining--;
            }
            int wordStart = -1;
            for (int i = 0; keys != null && i <= keys.length() && remaining > 0; i++) {
                boolean boundary = i == keys.length() || keys.charAt(i) == ' ';
                if (!boundary && wordStart < 0) {
                    wordStart = i;
                } else if (boundary && wordStart >= 0) {
                    file.append(IndexKeyHash.of(topic, keys, wordStart, i), r.commitLogOffset(), timestampMs);
                    remaining--;
                    wordStart = -1;
                }
            }
            lastIndexedTimestampMs = timestampMs;
            maxIndexedOffset = r.commitLogOffset();
        } finally {
            lifecycleLock.readLock().unlock();
        }
    }

    private static int countWords(String keys) {
        if (keys == null) {
            return 0;
        }
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < keys.length(); i++) {
            boolean space = keys.charAt(i) == ' ';
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }

    /** Dispatcher thread only, under the read lock. */
    private IndexFile writableFile(int entriesNeeded, long physicalOffset, long timestampMs) {
        IndexFile current = files.isEmpty() ? null : files.get(files.size() - 1);
        if (current != null && current.remainingEntries() >= entriesNeeded && current.canHoldTimestamp(timestampMs)) {
            return current;
        }
        IndexFile created = IndexFile.create(dir, hashSlots, maxEntriesPerFile, physicalOffset, timestampMs);
        files.add(created);
        log.debug("Started key index file {}", created.path());
        return created;
    }

    /**
     * Recovery, after {@link #load()} and before the first {@link #dispatch}: forgets what was indexed at or after
     * CommitLog offset {@code offset}, so re-dispatch from {@link #maxIndexedCommitLogOffset()} + 1 indexes it
     * again. Files that begin at or after it are deleted. Needed when the CommitLog lost its tail below what the
     * index reached (records appended later at those offsets would never be indexed), and after a crash where the
     * index got ahead of its checkpoint.
     *
     * <p>After an abnormal stop ({@code afterCrash}) the file that was being appended to when the checkpoint was
     * taken (the last one beginning before {@code offset}) is checked ({@link IndexFile#isConsistent()}) and
     * deleted too when damaged: after an OS crash any part of what was appended to it later may be on disk without
     * the rest (its header, or a slot pointing at an entry that never got there, which cuts every older entry of
     * that slot's chain), so it is rebuilt whole. Files before it were complete before the checkpoint was
     * written; they are forced again, since the process that wrote them may have been killed before it did.
     *
     * @return the bytes of the files deleted, or -1 when nothing was done
     */
    public long rollBackTo(long offset, boolean afterCrash) {
        lifecycleLock.writeLock().lock();
        try {
            ensureOpen();
            reindexFrom = offset;
            if (maxIndexedOffset < offset && !afterCrash) {
                return -1;
            }
            int firstDoomed = 0;
            while (firstDoomed < files.size() && files.get(firstDoomed).beginPhysicalOffset() < offset) {
                firstDoomed++;
            }
            if (afterCrash && firstDoomed > 0 && !files.get(firstDoomed - 1).isConsistent()) {
                log.warn("Key index file {} was being written when the store stopped and only part of it reached the"
                        + " disk; rebuilding it", files.get(firstDoomed - 1).path());
                firstDoomed--;
            }
            if (afterCrash) {
                // what is kept is declared durable by the next checkpoint: the killed process may not have forced it
                for (int i = 0; i < firstDoomed; i++) {
                    files.get(i).forceAll();
                }
            }
            List<IndexFile> doomed = new ArrayList<>(files.subList(firstDoomed, files.size()));
            if (doomed.isEmpty() && maxIndexedOffset < offset) {
                return -1;
            }
            long deletedBytes = 0;
            files.removeAll(doomed);
            for (IndexFile file : doomed) {
                try {
                    deletedBytes += Files.size(file.path());
                    file.unmapAndDelete();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot delete key index file " + file.path() + " while rolling"
                            + " the index back to CommitLog offset " + offset + "; check permissions", e);
                }
            }
            long previousMax = maxIndexedOffset;
            IndexFile newest = files.isEmpty() ? null : files.get(files.size() - 1);
            if (doomed.isEmpty() || afterCrash) {
                maxIndexedOffset = newest == null ? -1 : Math.min(offset - 1, newest.endPhysicalOffset());
                // record starts: the last record the kept files index (dispatching it again is skipped), or the
                // first record of the first file deleted
                reindexFrom = Math.min(offset, newest != null ? newest.endPhysicalOffset()
                        : doomed.isEmpty() ? offset : doomed.get(0).beginPhysicalOffset());
            } else {
                maxIndexedOffset = offset - 1;
            }
            lastIndexedTimestampMs = newest == null ? Long.MIN_VALUE : newest.endTimestampMs();
            log.info("Key index rolled back from CommitLog offset {} to {}: {} file(s) deleted, re-indexing from {}",
                    previousMax, offset, doomed.size(), maxIndexedOffset + 1);
            return deletedBytes;
        } finally {
            lifecycleLock.writeLock().unlock();
        }
    }

    /**
     * CommitLog offsets of records of {@code topic} indexed under {@code key} (a business key or a unique
     * message id) whose store time lies in [beginTimestampMs, endTimestampMs], newest first, at most
     * {@code maxCount}, without duplicates. These are candidates: hash collisions return records with other
     * keys, so read each record and compare its topic and keys. Safe to call from any thread.
     */
    public List<Long> queryPhysicalOffsets(String topic, String key, int maxCount, long beginTimestampMs,
                                           long endTimestampMs) {
        if (maxCount <= 0 || beginTimestampMs > endTimestampMs || key == null || key.isEmpty()) {
            return List.of();
        }
        int keyHash = IndexKeyHash.of(topic, key);
        // Keys repeated within a record, or equal to its unique id, produce several entries per offset.
        LinkedHashSet<Long> offsets = new LinkedHashSet<>();
        lifecycleLock.readLock().lock();
        try {
            ensureOpen();
            Object[] snapshot = files.toArray();
            for (int i = snapshot.length - 1; i >= 0 && offsets.size() < maxCount; i--) {
                IndexFile file = (IndexFile) snapshot[i];
                if (file.overlaps(beginTimestampMs, endTimestampMs)) {
                    file.collect(keyHash, beginTimestampMs, endTimestampMs, maxCount, offsets);
                }
            }
        } finally {
            lifecycleLock.readLock().unlock();
        }
        return new ArrayList<>(offsets);
    }

    /**
     * After {@link #rollBackTo}: the CommitLog offset (a record start) from which re-dispatch rebuilds what was
     * rolled back; {@code Long.MAX_VALUE} before any roll-back.
     */
    public long reindexFrom() {
        return reindexFrom;
    }

    /** The highest CommitLog offset indexed so far; -1 when nothing is. Re-dispatch from the record after it. */
    public long maxIndexedCommitLogOffset() {
        return maxIndexedOffset;
    }

    /**
     * Deletes files whose entries all point below {@code commitLogMinOffset}, i.e. at CommitLog data that
     * retention already removed. Briefly blocks dispatch and queries while it unmaps.
     */
    public void deleteFilesBelow(long commitLogMinOffset) {
        lifecycleLock.writeLock().lock();
        try {
            ensureOpen();
            List<IndexFile> expired = new ArrayList<>();
            for (IndexFile file : files) {
                if (file.endPhysicalOffset() >= commitLogMinOffset) {
                    break; // offsets only grow from file to file
                }
                expired.add(file);
            }
            files.removeAll(expired);
            for (IndexFile file : expired) {
                try {
                    file.unmapAndDelete();
                    log.info("Deleted key index file {}: all its entries point below CommitLog offset {}",
                            file.path(), commitLogMinOffset);
                } catch (IOException e) {
                    log.warn("Could not delete unmapped key index file {}; delete it by hand", file.path(), e);
                }
            }
        } finally {
            lifecycleLock.writeLock().unlock();
        }
    }

    /** Forces written entries to disk. Call from one flushing thread at a time. */
    public void flush() {
        lifecycleLock.readLock().lock();
        try {
            if (closed) {
                return;
            }
            for (IndexFile file : files) {
                file.flush();
            }
        } finally {
            lifecycleLock.readLock().unlock();
        }
    }

    /** Flushes and unmaps every file. Idempotent; later calls other than close() throw. */
    @Override
    public void close() {
        lifecycleLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException failure = null;
            for (IndexFile file : files) {
                try {
                    file.flush();
                } catch (RuntimeException e) { // every file is still unmapped; the first failure is thrown
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                } finally {
                    file.unmap();
                }
            }
            files.clear();
            if (failure != null) {
                throw failure;
            }
        } finally {
            lifecycleLock.writeLock().unlock();
        }
    }

    /** Unmaps every file WITHOUT flushing (a simulated crash, see the store's closeAbruptly). Idempotent. */
    public void abandon() {
        lifecycleLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (IndexFile file : files) {
                file.unmap();
            }
            files.clear();
        } finally {
            lifecycleLock.writeLock().unlock();
        }
    }

    /** Number of index files currently open. */
    int fileCount() {
        return files.size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("IndexService for " + dir + " is closed");
        }
        if (!loaded) {
            throw new IllegalStateException("IndexService for " + dir + " is not loaded; call load() first");
        }
    }
}
