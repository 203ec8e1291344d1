package io.tidemq.store.queue;

import io.tidemq.store.StoreIOException;
import io.tidemq.store.dispatch.CommitLogDispatcher;
import io.tidemq.store.dispatch.DispatchRequest;
import io.tidemq.store.file.FileIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
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

    public ConsumeQueueStore(Path rootDir, int entriesPerFile) {
        this(rootDir, entriesPerFile, FileIo.DEFAULT);
    }

    /** @param io how files are allocated and forced (a test seam; {@link FileIo#DEFAULT} in production) */
    public ConsumeQueueStore(Path rootDir, int entriesPerFile, FileIo io) {
        this.rootDir = rootDir;
        this.entriesPerFile = entriesPerFile;
        this.io = io;
    }

    /** Maps every queue found on disk and recovers each one's end. */
    public void loadAndRecover() {
        try {
            Files.createDirectories(rootDir);
            try (Stream<Path> topics = Files.list(rootDir)) {
                for (Path topicDir : (Iterable<Path>) topics.filter(Files::isDirectory)::iterator) {
                    try (Stream<Path> ids = Files.list(topicDir)) {
                        for (Path queueDir : (Iterable<Path>) ids.filter(Files::isDirectory)::iterator) {
                            loadQueue(topicDir.getFileName().toString(), queueDir);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("cannot list " + rootDir + ": " + e + "; check permissions", e);
        }
    }

    private void loadQueue(String topic, Path queueDir) {
        int queueId;
        try {
            queueId = Integer.parseInt(queueDir.getFileName().toString());
        } catch (NumberFormatException e) {
            log.warn("ignoring {}: not a queue id directory", queueDir);
            return;
        }
        ConsumeQueue queue = new ConsumeQueue(topic, queueId, queueDir, entriesPerFile, io);
        queue.load();
        queue.recover();
        queues.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(queueId, queue);
    }

    @Override
    public void dispatch(DispatchRequest request) {
        findOrCreate(request.topic(), request.queueId()).putEntry(request.queueOffset(), request.commitLogOffset(),
                request.sizeBytes(), request.tagsCode());
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

    /** Recovery: drops entries past the recovered CommitLog end. @return entries dropped */
    public long truncateAbove(long commitLogEnd) {
        long dropped = 0;
        for (ConsumeQueue queue : all()) {
            long n = queue.truncateAbove(commitLogEnd);
            if (n > 0) {
                log.warn("{}-{}: dropped {} entries pointing past the recovered CommitLog end {}", queue.topic(),
                        queue.queueId(), n, commitLogEnd);
            }
            dropped += n;
        }
        return dropped;
    }

    public void flushAll() {
        for (ConsumeQueue queue : all()) {
            queue.flush();
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

    public void shutdown() {
        for (ConsumeQueue queue : all()) {
            queue.shutdown();
        }
    }
}
