package io.tidemq.broker.offset;

import io.tidemq.broker.support.AtomicJsonFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Committed consumer offsets: (group, topic, queueId) → the next offset the group will consume.
 *
 * <p>Commits only touch memory (they arrive with every pull); {@link #persist()} writes
 * {@code config/consumerOffsets.json} atomically on a timer and at shutdown, so a crash loses at most one
 * flush interval of commits and the group re-reads those messages (at-least-once).
 *
 * <p>An offset is never kept past its queue's end: loaded offsets and commits are clamped to the queue's
 * max offset (and logged). A committed offset past the end would make the group skip the messages that are
 * stored there later, e.g. after an OS crash lost an ASYNC-flushed CommitLog tail that the fsynced offsets
 * file already counted, or after a client committed a seek past the end.
 *
 * <p>On a slave ({@link #trackSlaveCommits}) consumers commit here while their master is unreachable. Such
 * commits are not clamped (the slave shows only its commit point, which may lag offsets the group reached on the
 * master) and are flagged until a master took them ({@link #unmergedOffsets()}, {@link #mergedBack}), so they
 * reach the master when it returns; offsets the master replicated are never flagged, so a reset backwards on
 * the master is not undone by its slaves.
 */
public final class ConsumerOffsetManager {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerOffsetManager.class);

    /** The end of a queue in the store: one past its last offset (0 for a queue that holds nothing). */
    @FunctionalInterface
    public interface QueueEnds {
        long maxOffset(String topic, int queueId);
    }

    /**
     * group → topic → queueId → offset. Concurrent maps at every level: commits come from many request
     * threads, persist and admin reads iterate while they do. A group's map is created and removed only
     * inside {@code compute} on this map, so a commit and a topic deletion never act on a group map the
     * other has just dropped.
     */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<Integer, Long>>> offsets =
            new ConcurrentHashMap<>();
    private final AtomicJsonFile file;
    /** Set by any commit, cleared by {@link #persist()} before it snapshots; skips rewriting an unchanged file. */
    private volatile boolean dirty;
    /** Serializes {@link #persist()} calls (timer and shutdown). */
    private final Object persistLock = new Object();

    /**
     * The file's layout. {@code unmerged}: the queues whose offsets consumers committed on this replica while it
     * was a slave and no master has taken yet, group → topic → queue ids (null in files written before it).
     */
    public record OffsetsFile(int version, Map<String, Map<String, Map<Integer, Long>>> offsets,
                              Map<String, Map<String, Set<Integer>>> unmerged) {
        public OffsetsFile(int version, Map<String, Map<String, Map<Integer, Long>>> offsets) {
            this(version, offsets, null);
        }
    }

    /** One queue of one group. */
    public record QueueKey(String group, String topic, int queueId) {
    }

    /**
     * Offsets committed here by consumers while this replica is a slave, with the value of {@link #flagSequence}
     * when each was last flagged; a flag is dropped by {@link #mergedBack} only when no commit flagged it again
     * after the snapshot the master took. Concurrent map: commits flag from request threads, the HA client thread
     * snapshots and clears.
     */
    private final ConcurrentHashMap<QueueKey, Long> unmerged = new ConcurrentHashMap<>();
    private final AtomicLong flagSequence = new AtomicLong();
    /** Whether this broker is a slave now (commits are then flagged and not clamped); set before commits arrive. */
    private volatile BooleanSupplier slave = () -> false;

    /**
     * What a master should merge: the current offsets of the flagged queues, and the flags they were read under.
     *
     * @param offsets group → topic → queueId → offset
     */
    public record UnmergedOffsets(Map<String, Map<String, Map<Integer, Long>>> offsets, Map<QueueKey, Long> flags) {
        public boolean isEmpty() {
            return flags.isEmpty();
        }
    }

    private final QueueEnds ends;
    /** Commits (and loaded offsets) that were past their queue's end. */
    private final LongAdder clampedCommits = new LongAdder();
    /** Moves with every change (commit, removal, clamp, merge): replication copies the offsets when it moved. */
    private final LongAdder changeCount = new LongAdder();

    /** Offsets that are not checked against a store (tools and tests). */
    public ConsumerOffsetManager(Path offsetsFile) {
        this(offsetsFile, (topic, queueId) -> Long.MAX_VALUE);
    }

    /** @param ends the store's queue ends, against which every loaded and committed offset is clamped */
    public ConsumerOffsetManager(Path offsetsFile, QueueEnds ends) {
        this.file = new AtomicJsonFile(offsetsFile);
        this.ends = ends;
    }

    /** Loads the persisted offsets; a missing file means no group has committed yet. */
    public void load() {
        OffsetsFile loaded = file.read(OffsetsFile.class);
        if (loaded == null || loaded.offsets() == null) {
            return;
        }
        long clampedBefore = clampedCommits.sum();
        loaded.offsets().forEach((group, byTopic) -> byTopic.forEach((topic, byQueue) ->
                byQueue.forEach((queueId, offset) -> store(group, topic, queueId, clamp(group, topic, queueId, offset),
                        false))));
        if (loaded.unmerged() != null) {
            loaded.unmerged().forEach((group, byTopic) -> byTopic.forEach((topic, queueIds) ->
                    queueIds.forEach(queueId -> unmerged.put(new QueueKey(group, topic, queueId),
                            flagSequence.incrementAndGet()))));
        }
        // rewrite the file only when an offset was clamped, so the next start reads the corrected value
        dirty = clampedCommits.sum() != clampedBefore;
        LOG.info("loaded committed offsets of {} groups from {}", offsets.size(), file.path());
    }

    /**
     * Sets the group's offset, clamped to the queue's end.
     *
     * @return the offset now committed: {@code offset}, or the queue's end when {@code offset} is past it
     */
    public long commit(String group, String topic, int queueId, long offset) {
        boolean onSlave = slave.getAsBoolean();
        long kept = onSlave ? checked(group, topic, queueId, offset) : clamp(group, topic, queueId, offset);
        store(group, topic, queueId, kept, false);
        flagIfSlave(onSlave, group, topic, queueId);
        return kept;
    }

    private void store(String group, String topic, int queueId, long kept, boolean onlyAdvancing) {
        offsets.compute(group, (g, byTopic) -> {
            ConcurrentHashMap<String, ConcurrentHashMap<Integer, Long>> m = byTopic != null ? byTopic
                    : new ConcurrentHashMap<>();
            ConcurrentHashMap<Integer, Long> byQueue = m.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
            if (onlyAdvancing) {
                byQueue.merge(queueId, kept, Math::max);
            } else {
                byQueue.put(queueId, kept);
            }
            return m;
        });
        dirty = true;
        changeCount.increment();
    }

    private void flagIfSlave(boolean onSlave, String group, String topic, int queueId) {
        if (onSlave) {
            unmerged.put(new QueueKey(group, topic, queueId), flagSequence.incrementAndGet());
        }
    }

    /**
     * From now on {@code isSlave} says whether this broker is a slave: consumers' commits are then kept unclamped
     * and flagged for their master ({@link #unmergedOffsets()}). Call after {@link #load()}.
     */
    public void trackSlaveCommits(BooleanSupplier isSlave) {
        this.slave = isSlave;
    }

    /** Slave: the offsets consumers committed here that no master has taken yet (empty when none). Any thread. */
    public UnmergedOffsets unmergedOffsets() {
        Map<QueueKey, Long> flags = new java.util.HashMap<>(unmerged);
        Map<String, Map<String, Map<Integer, Long>>> values = new TreeMap<>();
        for (Iterator<Map.Entry<QueueKey, Long>> it = flags.entrySet().iterator(); it.hasNext(); ) {
            QueueKey key = it.next().getKey();
            long offset = query(key.group(), key.topic(), key.queueId());
            if (offset < 0) {
                it.remove(); // the group or topic was removed meanwhile
                unmerged.remove(key);
                continue;
            }
            values.computeIfAbsent(key.group(), g -> new TreeMap<>()).computeIfAbsent(key.topic(), t -> new TreeMap<>())
                    .put(key.queueId(), offset);
        }
        return new UnmergedOffsets(values, flags);
    }

    /** This replica became master: the offsets committed on it as a slave are its own now, none is sent anywhere. */
    public void forgetUnmerged() {
        if (!unmerged.isEmpty()) {
            unmerged.clear();
            dirty = true;
        }
    }

    /** How many queues' offsets consumers committed here as a slave that no master has taken yet. */
    public long unmergedCount() {
        return unmerged.size();
    }

    /** Slave: a master took {@code sent}; its flags are dropped unless a commit flagged the queue again since. */
    public void mergedBack(UnmergedOffsets sent) {
        boolean any = false;
        for (Map.Entry<QueueKey, Long> flag : sent.flags().entrySet()) {
            any |= unmerged.remove(flag.getKey(), flag.getValue());
        }
        if (any) {
            dirty = true;
        }
    }

    /**
     * Master: offsets a slave's consumers committed while this master was away; each only moves an offset forward
     * and is clamped to the queue's end like any commit.
     *
     * @return how many offsets moved
     */
    public int mergeFromSlave(Map<String, Map<String, Map<Integer, Long>>> slaveOffsets) {
        int moved = 0;
        for (Map.Entry<String, Map<String, Map<Integer, Long>>> group : slaveOffsets.entrySet()) {
            for (Map.Entry<String, Map<Integer, Long>> topic : group.getValue().entrySet()) {
                for (Map.Entry<Integer, Long> queue : topic.getValue().entrySet()) {
                    if (queue.getValue() == null || queue.getValue() < 0) {
                        continue;
                    }
                    long before = query(group.getKey(), topic.getKey(), queue.getKey());
                    long kept = clamp(group.getKey(), topic.getKey(), queue.getKey(), queue.getValue());
                    if (kept > before) {
                        store(group.getKey(), topic.getKey(), queue.getKey(), kept, true);
                        moved++;
                    }
                }
            }
        }
        return moved;
    }

    /**
     * Commits {@code offset} only if it is beyond the committed one. For offsets that ride along with a pull:
     * pulls and explicit commits run on different executors, so a pull sent before an explicit commit may be
     * served after it, and must not move the group back over messages it has already acknowledged. Ordinary
     * UPDATE_CONSUMER_OFFSET commits use it too, so a stale commit of a former owner cannot move the group back.
     *
     * @return the offset asked for, or the queue's end when it was past it (the stored offset may be larger)
     */
    public long commitIfAdvancing(String group, String topic, int queueId, long offset) {
        boolean onSlave = slave.getAsBoolean();
        long kept = onSlave ? checked(group, topic, queueId, offset) : clamp(group, topic, queueId, offset);
        store(group, topic, queueId, kept, true);
        flagIfSlave(onSlave, group, topic, queueId);
        return kept;
    }

    private static long checked(String group, String topic, int queueId, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("commit offset must be >= 0, was " + offset + " (group " + group
                    + ", topic " + topic + ", queue " + queueId + ")");
        }
        return offset;
    }

    private long clamp(String group, String topic, int queueId, long offset) {
        checked(group, topic, queueId, offset);
        long end = ends.maxOffset(topic, queueId);
        if (offset <= end) {
            return offset;
        }
        clampedCommits.increment();
        LOG.warn("group {}: offset {} of {}#{} is past the queue's end {}; kept {} so that messages stored there"
                + " later are consumed (the CommitLog tail was lost in a crash, or a client committed past the"
                + " end)", group, offset, topic, queueId, end, end);
        return end;
    }

    /**
     * Clamps every committed offset to its queue's end now: after a replica truncated its log, queues may end
     * below offsets committed before, and a group must then consume what is stored there next, not skip it.
     *
     * @return how many offsets were clamped
     */
    public int clampToQueueEnds() {
        int clamped = 0;
        for (Map.Entry<String, ConcurrentHashMap<String, ConcurrentHashMap<Integer, Long>>> group : offsets.entrySet()) {
            for (Map.Entry<String, ConcurrentHashMap<Integer, Long>> topic : group.getValue().entrySet()) {
                for (Map.Entry<Integer, Long> queue : topic.getValue().entrySet()) {
                    long end = ends.maxOffset(topic.getKey(), queue.getKey());
                    Long after = topic.getValue().computeIfPresent(queue.getKey(), (q, offset) -> Math.min(offset, end));
                    if (after != null && after < queue.getValue()) {
                        clamped++;
                        clampedCommits.increment();
                        LOG.warn("group {}: offset {} of {}#{} is past the queue's end {} after the log was"
                                + " truncated; kept {}", group.getKey(), queue.getValue(), topic.getKey(),
                                queue.getKey(), end, end);
                    }
                }
            }
        }
        if (clamped > 0) {
            dirty = true;
            changeCount.increment();
        }
        return clamped;
    }

    /**
     * A slave takes an offset its master replicated: kept when beyond the one here, not clamped to this replica's
     * queue end (its log may not hold the master's newest records yet).
     */
    public void mergeReplicated(String group, String topic, int queueId, long offset) {
        if (offset < 0) {
            return;
        }
        offsets.compute(group, (g, byTopic) -> {
            ConcurrentHashMap<String, ConcurrentHashMap<Integer, Long>> m = byTopic != null ? byTopic
                    : new ConcurrentHashMap<>();
            m.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).merge(queueId, offset, Math::max);
            return m;
        });
        dirty = true;
        changeCount.increment();
    }

    /** A number that moves with every change of the offsets (replication copies them when it moved). */
    public long changeCount() {
        return changeCount.sum();
    }

    /** A copy of every group's offsets: group → topic → queueId → offset, sorted. */
    public Map<String, Map<String, Map<Integer, Long>>> all() {
        Map<String, Map<String, Map<Integer, Long>>> copy = new TreeMap<>();
        for (String group : offsets.keySet()) {
            Map<String, Map<Integer, Long>> byTopic = offsetsOf(group);
            if (!byTopic.isEmpty()) {
                copy.put(group, byTopic);
            }
        }
        return copy;
    }

    /** How many loaded or committed offsets were past their queue's end and clamped to it. */
    public long clampedCommits() {
        return clampedCommits.sum();
    }

    /** The committed offset, or -1 when the group never committed one for this queue. */
    public long query(String group, String topic, int queueId) {
        Map<String, ConcurrentHashMap<Integer, Long>> byTopic = offsets.get(group);
        if (byTopic == null) {
            return -1;
        }
        Map<Integer, Long> byQueue = byTopic.get(topic);
        if (byQueue == null) {
            return -1;
        }
        Long offset = byQueue.get(queueId);
        return offset == null ? -1 : offset;
    }

    /** Groups with at least one committed offset, sorted. */
    public Set<String> groups() {
        return new TreeSet<>(offsets.keySet());
    }

    /** A copy of a group's offsets: topic → queueId → offset, sorted; empty when it never committed. */
    public Map<String, Map<Integer, Long>> offsetsOf(String group) {
        Map<String, ConcurrentHashMap<Integer, Long>> byTopic = offsets.get(group);
        if (byTopic == null) {
            return Collections.emptyMap();
        }
        Map<String, Map<Integer, Long>> copy = new TreeMap<>();
        byTopic.forEach((topic, byQueue) -> copy.put(topic, new TreeMap<>(byQueue)));
        return copy;
    }

    /** Forgets every committed offset of a group; returns whether it had any. */
    public boolean removeGroup(String group) {
        unmerged.keySet().removeIf(k -> k.group().equals(group));
        boolean had = offsets.remove(group) != null;
        if (had) {
            dirty = true;
            changeCount.increment();
        }
        return had;
    }

    /** Forgets every group's offsets of a deleted topic. */
    public void removeTopic(String topic) {
        unmerged.keySet().removeIf(k -> k.topic().equals(topic));
        for (String group : offsets.keySet()) {
            offsets.computeIfPresent(group, (g, byTopic) -> {
                byTopic.remove(topic);
                return byTopic.isEmpty() ? null : byTopic;
            });
        }
        dirty = true;
        changeCount.increment();
    }

    /** Writes the offsets when they changed since the last write. Safe to call from any thread. */
    public void persist() {
        synchronized (persistLock) {
            if (!dirty) {
                return;
            }
            dirty = false;
            Map<String, Map<String, Map<Integer, Long>>> snapshot = new TreeMap<>();
            offsets.forEach((group, byTopic) -> snapshot.put(group, offsetsOf(group)));
            Map<String, Map<String, Set<Integer>>> flagged = null;
            for (QueueKey key : unmerged.keySet()) {
                if (flagged == null) {
                    flagged = new TreeMap<>();
                }
                flagged.computeIfAbsent(key.group(), g -> new TreeMap<>())
                        .computeIfAbsent(key.topic(), t -> new TreeSet<>()).add(key.queueId());
            }
            try {
                file.write(new OffsetsFile(1, snapshot, flagged));
            } catch (RuntimeException e) {
                dirty = true;
                throw e;
            }
        }
    }
}
