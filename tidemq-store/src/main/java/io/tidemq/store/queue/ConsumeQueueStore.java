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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * All ConsumeQueues of a store, laid out as {@code consumequeue/<topic>/<queueId>/<20-digit file>}. As a
 * {@link CommitLogDispatcher} it appends one entry per dispatched record; entries already present are skipped,
 * so re-dispatch after a crash is harmless.
 *
 * <p>Threads: queues are created by the dispatch thread (or recovery), or ahead of their first records by
 * {@link #prepare} (tidemq-prepare-consumequeue) under the same write lock as the dispatch, and looked up by
 * anyone through a concurrent map of topics, each holding its queues ({@link TopicQueues}).
 */
public final class ConsumeQueueStore implements CommitLogDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ConsumeQueueStore.class);

    private final Path rootDir;
    private final int entriesPerFile;
    private final FileIo io;
    /**
     * topic -> its queues. Written by recovery, then under {@link #writeLock} (dispatch, prepare, removal); read by
     * everyone.
     */
    private final Map<String, TopicQueues> queues = new ConcurrentHashMap<>();
    /**
     * Serializes {@link #dispatch} (the dispatch thread) with {@link #removeTopic} (an admin thread) and
     * {@link #prepare} (tidemq-prepare-consumequeue), so an entry is never written into a queue whose files are
     * being deleted or created.
     */
    private final Object writeLock = new Object();
    /**
     * Queues whose entry write failed ("topic/queueId" -> what failed), kept until the store restarts: their
     * later records are skipped, so one failing queue does not halt dispatch for all. Written by the dispatch
     * thread (under {@link #writeLock}); read by anyone.
     */
    private final Map<String, BrokenQueue> broken = new ConcurrentHashMap<>();
    /**
     * Topics removed since start; a preparation asked for before a removal is dropped (it would recreate a deleted
     * topic's queues). Guarded by {@link #writeLock}.
     */
    private long removals;

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

    /**
     * One topic's queues, so finding a record's queue is one map lookup (by topic) and an array read (issue 10:
     * two concurrent-map lookups per record were 24 % of the dispatcher's samples with 10 000 queues). Ids below
     * {@link #DENSE_QUEUE_IDS} live in a copy-on-write array read without a lock; larger ids (a directory of that
     * name on disk) in a concurrent map. Added to under the object's own lock (recovery, then the store's write
     * lock too).
     */
    static final class TopicQueues {

        static final int DENSE_QUEUE_IDS = 1024;

        /** Replaced, never changed in place, under {@code this}; read by anyone. */
        private volatile ConsumeQueue[] dense = new ConsumeQueue[0];
        /** Created under {@code this}; read by anyone. */
        private volatile Map<Integer, ConsumeQueue> sparse;

        ConsumeQueue get(int queueId) {
            if (queueId >= 0 && queueId < DENSE_QUEUE_IDS) {
                ConsumeQueue[] byId = dense;
                return queueId < byId.length ? byId[queueId] : null;
            }
            Map<Integer, ConsumeQueue> map = sparse;
            return map == null ? null : map.get(queueId);
        }

        /** The queue of {@code queueId}, made by {@code create} when missing. */
        synchronized ConsumeQueue getOrCreate(int queueId, IntFunction<ConsumeQueue> create) {
            ConsumeQueue queue = get(queueId);
            if (queue == null) {
                queue = create.apply(queueId);
                put(queueId, queue);
            }
            return queue;
        }

        synchronized void put(int queueId, ConsumeQueue queue) {
            if (queueId >= 0 && queueId < DENSE_QUEUE_IDS) {
                ConsumeQueue[] byId = dense;
                ConsumeQueue[] next = Arrays.copyOf(byId, Math.max(byId.length, queueId + 1));
                next[queueId] = queue;
                dense = next;
            } else {
                if (sparse == null) {
                    sparse = new ConcurrentHashMap<>();
                }
                sparse.put(queueId, queue);
            }
        }

        /** The queues, in no particular order. */
        List<ConsumeQueue> values() {
            List<ConsumeQueue> all = new ArrayList<>();
            for (ConsumeQueue queue : dense) {
                if (queue != null) {
                    all.add(queue);
                }
            }
            Map<Integer, ConsumeQueue> map = sparse;
            if (map != null) {
                all.addAll(map.values());
            }
            return all;
        }

        /** The queues, by id. */
        SortedMap<Integer, ConsumeQueue> byId() {
            SortedMap<Integer, ConsumeQueue> all = new TreeMap<>();
            ConsumeQueue[] byId = dense;
            for (int id = 0; id < byId.length; id++) {
                if (byId[id] != null) {
                    all.put(id, byId[id]);
                }
            }
            Map<Integer, ConsumeQueue> map = sparse;
            if (map != null) {
                all.putAll(map);
            }
            return all;
        }
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
        queues.computeIfAbsent(topic, t -> new TopicQueues()).put(queueId, queue);
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

    /**
     * Creates a queue that does not exist yet, with its directory and first file, before its first record (a new
     * topic's queues, prepared off the dispatch thread). Under the write lock, so it never overlaps the dispatch
     * thread's write to the same queue or the removal of its topic; the dispatch thread waits at most one queue's
     * creation. A failure is logged and left to the dispatch thread, which creates what is missing itself at the
     * queue's first entry, as without preparation.
     *
     * @param removalsWhenAsked {@link #removals()} when the preparation was asked for: a topic removed since then
     *                          cancels it, so a deleted topic's queues are never recreated by a late preparation
     * @return whether this call created the queue
     */
    public boolean prepare(String topic, int queueId, long removalsWhenAsked) {
        synchronized (writeLock) {
            if (removals != removalsWhenAsked || find(topic, queueId) != null) {
                return false;
            }
            ConsumeQueue queue = findOrCreate(topic, queueId);
            try {
                queue.prepareFirstFile();
            } catch (RuntimeException e) {
                log.warn("ConsumeQueue {}-{}: creating its first file ahead of its records failed ({}); the dispatch"
                        + " thread creates it at the first record", topic, queueId, e.toString());
            }
            return true;
        }
    }

    /** How many topics were removed since start, for {@link #prepare}. */
    public long removals() {
        synchronized (writeLock) {
            return removals;
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
            removals++;
            TopicQueues removed = queues.remove(topic);
            if (removed == null) {
                return Set.of();
            }
            byId = removed.byId();
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
        TopicQueues byId = queues.get(topic);
        return byId == null ? null : byId.get(queueId);
    }

    private ConsumeQueue findOrCreate(String topic, int queueId) {
        TopicQueues byId = queues.get(topic);
        ConsumeQueue queue = byId == null ? null : byId.get(queueId);
        if (queue != null) {
            return queue;
        }
        if (byId == null) {
            byId = queues.computeIfAbsent(topic, t -> new TopicQueues());
        }
        return byId.getOrCreate(queueId, id -> new ConsumeQueue(topic, id,
                rootDir.resolve(topic).resolve(Integer.toString(id)), entriesPerFile, io));
    }

    /** Every queue, for recovery, flushing and retention. */
    public Iterable<ConsumeQueue> all() {
        return () -> queues.values().stream().flatMap(m -> m.values().stream()).iterator();
    }

    public Set<String> topics() {
        return Collections.unmodifiableSet(new TreeSet<>(queues.keySet()));
    }

    public Set<Integer> queueIds(String topic) {
        TopicQueues byId = queues.get(topic);
        return byId == null ? Set.of() : Collections.unmodifiableSet(byId.byId().keySet());
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
