package io.tidemq.store.queue;

import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.commitlog.DispatchRequest;
import io.tidemq.store.dispatch.CommitLogDispatcher;
import io.tidemq.store.recovery.RecoveryCut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * All ConsumeQueues of a store, laid out as {@code consumequeue/<topic>/<queueId>/<20-digit file>}. As a
 * {@link CommitLogDispatcher} it appends one entry per dispatched record; entries already present are skipped,
 * so re-dispatch after a crash is harmless.
 *
 * <p>Threads: queues are created by the dispatch thread (or recovery) and looked up by anyone through
 * concurrent maps.
 */
public final class ConsumeQueueStore implements CommitLogDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ConsumeQueueStore.class);

    private final Path rootDir;
    private final int entriesPerFile;
    private final FileIo io;
    /** topic -> queueId -> queue. Written by the dispatch thread and recovery; read by everyone. */
    private final Map<String, Map<Integer, ConsumeQueue>> queues = new ConcurrentHashMap<>();
    /**
     * Serializes {@link #dispatch} (the dispatch thread) with {@link #removeTopic} (an admin thread), so an
     * entry is never written into a queue whose files are being deleted.
     */
    private final Object writeLock = new Object();
    /**
     * Queues whose entry write failed ("topic/queueId" -> what failed), kept until the store restarts: their
     * later records are skipped, so one failing queue does not halt dispatch for all. Written by the dispatch
     * thread (under {@link #writeLock}); read by anyone.
     */
    private final Map<String, BrokenQueue> broken = new ConcurrentHashMap<>();

    /**
     * A queue that stopped receiving entries because writing one failed.
     *
     * @param commitLogOffset the first record it is missing: the dispatch checkpoint is held below it, so the
     *                        next start dispatches it (and everything after it) to this queue again
     * @param queueOffset     that record's queue offset
     * @param error           what failed, for operators
     */
    public record BrokenQueue(String topic, int queueId, long commitLogOffset, long queueOffset, String error) {
    }

    public ConsumeQueueStore(Path rootDir, int entriesPerFile) {
        this(rootDir, entriesPerFile, FileIo.DEFAULT);
    }

    /** @param io how files are allocated and forced (a test seam; {@link FileIo#DEFAULT} in production) */
    public ConsumeQueueStore(Path rootDir, int entriesPerFile, FileIo io) {
        this.rootDir = rootDir;
        this.entriesPerFile = entriesPerFile;
        this.io = io;
    }

    /**
     * What the recovery of every queue found.
     *
     * @param cuts           entries removed (see {@link ConsumeQueue#recover})
     * @param redispatchFrom lowest CommitLog offset a queue needs re-dispatched from, or -1 when none does
     */
    public record Recovery(List<RecoveryCut> cuts, long redispatchFrom) {
    }

    /**
     * Maps every queue found on disk and recovers each one's end (see {@link ConsumeQueue#recover}).
     *
     * @param checkpointOffset the checkpoint's {@code consumeQueueFlushedOffset}, or -1 when unknown
     */
    public Recovery loadAndRecover(long checkpointOffset) {
        List<RecoveryCut> cuts = new ArrayList<>();
        long[] redispatchFrom = {-1};
        try {
            Files.createDirectories(rootDir);
            try (Stream<Path> topics = Files.list(rootDir)) {
                for (Path topicDir : (Iterable<Path>) topics.filter(Files::isDirectory)::iterator) {
                    try (Stream<Path> ids = Files.list(topicDir)) {
                        for (Path queueDir : (Iterable<Path>) ids.filter(Files::isDirectory)::iterator) {
                            ConsumeQueue.Recovery recovery = loadQueue(topicDir.getFileName().toString(), queueDir,
                                    checkpointOffset);
                            if (recovery == null) {
                                continue;
                            }
                            if (recovery.cut() != null) {
                                cuts.add(recovery.cut());
                            }
                            if (recovery.redispatchFrom() >= 0 && (redispatchFrom[0] < 0
                                    || recovery.redispatchFrom() < redispatchFrom[0])) {
                                redispatchFrom[0] = recovery.redispatchFrom();
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("cannot list " + rootDir + ": " + e + "; check permissions", e);
        }
        return new Recovery(cuts, redispatchFrom[0]);
    }

    private ConsumeQueue.Recovery loadQueue(String topic, Path queueDir, long checkpointOffset) {
        int queueId;
        try {
            queueId = Integer.parseInt(queueDir.getFileName().toString());
        } catch (NumberFormatException e) {
            log.warn("ignoring {}: not a queue id directory", queueDir);
            return null;
        }
        ConsumeQueue queue = new ConsumeQueue(topic, queueId, queueDir, entriesPerFile, io);
        queue.load();
        ConsumeQueue.Recovery recovery = queue.recover(checkpointOffset);
        queues.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(queueId, queue);
        return recovery;
    }

    /**
     * Appends the record's entry to its queue. When that fails (too many open files when a new queue file is
     * created, an I/O error) the queue is marked broken, logged at ERROR once, and skipped from then on; the other
     * queues keep being dispatched. The failing record stays covered by {@link #redispatchFloor()}, so a restart
     * writes it and the records after it into the queue.
     *
     * @throws DiskFullException when the disk has no room for the queue's next chunk: not a broken queue but the
     *                           store's disk-full state; the dispatcher retries the record (nothing of it was
     *                           written) while the store refuses puts, so indexing resumes by itself with room
     */
    @Override
    public void dispatch(DispatchRequest request) {
        synchronized (writeLock) {
            if (!broken.isEmpty() && broken.containsKey(key(request.topic(), request.queueId()))) {
                return;
            }
            try {
                findOrCreate(request.topic(), request.queueId()).putEntry(request.queueOffset(),
                        request.commitLogOffset(), request.sizeBytes(), request.tagsCode());
            } catch (DiskFullException e) {
                throw e;
            } catch (RuntimeException e) {
                BrokenQueue queue = new BrokenQueue(request.topic(), request.queueId(), request.commitLogOffset(),
                        request.queueOffset(), e.toString());
                broken.put(key(request.topic(), request.queueId()), queue);
                log.error("ConsumeQueue {}-{} is BROKEN: writing the entry of queue offset {} (CommitLog offset {})"
                        + " failed; its later records are not dispatched to it until the store restarts, which"
                        + " dispatches them again (the other queues go on). Fix the cause (disk space, open-file"
                        + " limit, disk errors) and restart the broker", request.topic(), request.queueId(),
                        request.queueOffset(), request.commitLogOffset(), e);
            }
        }
    }

    private static String key(String topic, int queueId) {
        return topic + '/' + queueId;
    }

    /** Queues marked broken since start (see {@link #dispatch}), in no particular order. */
    public List<BrokenQueue> brokenQueues() {
        return List.copyOf(broken.values());
    }

    /**
     * The lowest CommitLog offset some broken queue is missing, or {@code Long.MAX_VALUE} when none is broken:
     * the dispatch checkpoint and retention stay below it, so a restart can dispatch it again.
     */
    public long redispatchFloor() {
        long floor = Long.MAX_VALUE;
        for (BrokenQueue queue : broken.values()) {
            floor = Math.min(floor, queue.commitLogOffset());
        }
        return floor;
    }

    /**
     * Drops every queue of {@code topic} and deletes its files (a deleted topic). Readers holding a file keep
     * it mapped until they release it.
     *
     * @return the ids of the queues dropped
     */
    public Set<Integer> removeTopic(String topic) {
        Map<Integer, ConsumeQueue> byId;
        synchronized (writeLock) {
            byId = queues.remove(topic);
            if (byId == null) {
                return Set.of();
            }
            for (ConsumeQueue queue : byId.values()) {
                queue.files().destroy();
            }
        }
        Path topicDir = rootDir.resolve(topic);
        try (var dirs = java.nio.file.Files.walk(topicDir)) {
            for (Path p : dirs.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing was ever flushed for it
        } catch (java.io.IOException e) {
            log.warn("ConsumeQueues of deleted topic {} dropped, but {} could not be removed: {}; delete it by hand",
                    topic, topicDir, e.toString());
        }
        log.info("ConsumeQueues of topic {} deleted (queues {})", topic, new TreeSet<>(byId.keySet()));
        return Collections.unmodifiableSet(new TreeSet<>(byId.keySet()));
    }

    public ConsumeQueue find(String topic, int queueId) {
        Map<Integer, ConsumeQueue> byId = queues.get(topic);
        return byId == null ? null : byId.get(queueId);
    }

    private ConsumeQueue findOrCreate(String topic, int queueId) {
        ConsumeQueue queue = find(topic, queueId);
        if (queue != null) {
            return queue;
        }
        return queues.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).computeIfAbsent(queueId,
                id -> new ConsumeQueue(topic, id, rootDir.resolve(topic).resolve(Integer.toString(id)),
                        entriesPerFile, io));
    }

    /** Every queue, for recovery, flushing and retention. */
    public Iterable<ConsumeQueue> all() {
        return () -> queues.values().stream().flatMap(m -> m.values().stream()).iterator();
    }

    public Set<String> topics() {
        return Collections.unmodifiableSet(new TreeSet<>(queues.keySet()));
    }

    public Set<Integer> queueIds(String topic) {
        Map<Integer, ConsumeQueue> byId = queues.get(topic);
        return byId == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(byId.keySet()));
    }

    /**
     * Recovery: drops entries past the recovered CommitLog end; each queue's drop is logged at WARN.
     *
     * @return one cut per queue that lost entries
     */
    public List<RecoveryCut> truncateAbove(long commitLogEnd) {
        List<RecoveryCut> cuts = new ArrayList<>();
        for (ConsumeQueue queue : all()) {
            long max = queue.maxOffset();
            long n = queue.truncateAbove(commitLogEnd);
            if (n > 0) {
                String reason = "the entries point past the recovered CommitLog end " + commitLogEnd;
                RecoveryCut cut = new RecoveryCut(RecoveryCut.consumeQueue(queue.topic(), queue.queueId()), max - n,
                        max, n * ConsumeQueue.ENTRY_BYTES, reason);
                log.warn("ConsumeQueue {}-{} CUT: queue offsets [{}, {}) ({} bytes) removed: {}", queue.topic(),
                        queue.queueId(), cut.fromOffset(), cut.toOffset(), cut.bytes(), reason);
                cuts.add(cut);
            }
        }
        return cuts;
    }

    /** Flushes every queue with at least {@code leastPages} dirty pages (0: every queue with anything dirty). */
    public void flushAll(int leastPages) {
        for (ConsumeQueue queue : all()) {
            queue.flush(leastPages);
        }
    }

    /** Retention: see {@link ConsumeQueue#deleteBelow}. @return files deleted */
    public int deleteBelow(long commitLogMinOffset) {
        int deleted = 0;
        for (ConsumeQueue queue : all()) {
            deleted += queue.deleteBelow(commitLogMinOffset, Integer.MAX_VALUE);
        }
        return deleted;
    }

    /**
     * Recovery: moves each queue's minimum past entries whose records are below {@code commitLogMinOffset}
     * (deleted by retention), so a pull right after a restart answers OFFSET_TOO_SMALL as it would later. Deletes
     * no file.
     */
    public void advanceMinimums(long commitLogMinOffset) {
        for (ConsumeQueue queue : all()) {
            queue.deleteBelow(commitLogMinOffset, 0);
        }
    }

    public void shutdown() {
        for (ConsumeQueue queue : all()) {
            queue.shutdown();
        }
    }
}
