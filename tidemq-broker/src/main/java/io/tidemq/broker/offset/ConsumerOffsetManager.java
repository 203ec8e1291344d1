package io.tidemq.broker.offset;

import io.tidemq.broker.AtomicJsonFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Committed consumer offsets: (group, topic, queueId) → the next offset the group will consume.
 *
 * <p>Commits only touch memory (they arrive with every pull); {@link #persist()} writes
 * {@code config/consumerOffsets.json} atomically on a timer and at shutdown, so a crash loses at most one
 * flush interval of commits and the group re-reads those messages (at-least-once).
 */
public final class ConsumerOffsetManager {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerOffsetManager.class);

    /**
     * group → topic → queueId → offset. Concurrent maps at every level: commits come from many request
     * threads, persist and admin reads iterate while they do.
     */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<Integer, Long>>> offsets =
            new ConcurrentHashMap<>();
    private final AtomicJsonFile file;
    /** Set by any commit, cleared by {@link #persist()} before it snapshots; skips rewriting an unchanged file. */
    private volatile boolean dirty;
    /** Serializes {@link #persist()} calls (timer and shutdown). */
    private final Object persistLock = new Object();

    /** The file's layout. */
    public record OffsetsFile(int version, Map<String, Map<String, Map<Integer, Long>>> offsets) {
    }

    public ConsumerOffsetManager(Path offsetsFile) {
        this.file = new AtomicJsonFile(offsetsFile);
    }

    /** Loads the persisted offsets; a missing file means no group has committed yet. */
    public void load() {
        OffsetsFile loaded = file.read(OffsetsFile.class);
        if (loaded == null || loaded.offsets() == null) {
            return;
        }
        loaded.offsets().forEach((group, byTopic) -> byTopic.forEach((topic, byQueue) ->
                byQueue.forEach((queueId, offset) -> commit(group, topic, queueId, offset))));
        dirty = false;
        LOG.info("loaded committed offsets of {} groups from {}", offsets.size(), file.path());
    }

    public void commit(String group, String topic, int queueId, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("commit offset must be >= 0, was " + offset + " (group " + group
                    + ", topic " + topic + ", queue " + queueId + ")");
        }
        offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
                .computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .put(queueId, offset);
        dirty = true;
    }

    /**
     * Commits {@code offset} only if it is beyond the committed one. For offsets that ride along with a pull:
     * pulls and explicit commits run on different executors, so a pull sent before an explicit commit may be
     * served after it, and must not move the group back over messages it has already acknowledged.
     */
    public void commitIfAdvancing(String group, String topic, int queueId, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("commit offset must be >= 0, was " + offset + " (group " + group
                    + ", topic " + topic + ", queue " + queueId + ")");
        }
        offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
                .computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .merge(queueId, offset, Math::max);
        dirty = true;
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

    /** Forgets every group's offsets of a deleted topic. */
    public void removeTopic(String topic) {
        offsets.values().forEach(byTopic -> byTopic.remove(topic));
        offsets.values().removeIf(Map::isEmpty);
        dirty = true;
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
            try {
                file.write(new OffsetsFile(1, snapshot));
            } catch (RuntimeException e) {
                dirty = true;
                throw e;
            }
        }
    }
}
