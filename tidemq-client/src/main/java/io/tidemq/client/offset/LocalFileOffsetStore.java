package io.tidemq.client.offset;

import io.tidemq.client.ClientException;
import io.tidemq.common.io.AtomicFile;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Offsets of a broadcasting consumer, which each member keeps for itself in
 * {@code <offsetStoreDir>/<instanceName>/<group>/offsets.json}. The file is rewritten whole
 * ({@link AtomicFile#replace}: temp file, fsync, atomic rename, fsync of the directory), so a crash or a power
 * loss leaves the old or the new version, never a torn one. Queues this member stops reading keep their last
 * offset, in memory and in the file: a queue assigned again (its broker came back after a restart, say)
 * resumes where this member stopped.
 */
public final class LocalFileOffsetStore implements OffsetStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFileOffsetStore.class);

    /** The file's JSON layout. */
    record OffsetFile(String group, List<Entry> offsets) {
    }

    record Entry(String topic, String brokerName, int queueId, long offset) {
    }

    private final String group;
    private final Path file;
    private final AtomicFile.Io io;
    /**
     * In-memory offsets, the current state of this member: loaded from the file, then updated with CAS by
     * consume threads. Entries are never removed, so they are what the file holds after the next persist.
     */
    private final Map<MessageQueue, AtomicLong> offsets = new ConcurrentHashMap<>();

    public LocalFileOffsetStore(Path offsetStoreDir, String instanceName, String group) {
        this(offsetStoreDir, instanceName, group, AtomicFile.SYSTEM);
    }

    /** @param io how the file is replaced (a test seam; {@link AtomicFile#SYSTEM} otherwise) */
    LocalFileOffsetStore(Path offsetStoreDir, String instanceName, String group, AtomicFile.Io io) {
        this.group = group;
        this.file = offsetStoreDir.resolve(instanceName).resolve(group).resolve("offsets.json");
        this.io = io;
    }

    /** The file this store writes. */
    public Path file() {
        return file;
    }

    @Override
    public void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            OffsetFile f = Json.mapper().readValue(Files.readAllBytes(file), OffsetFile.class);
            if (f.offsets() != null) {
                for (Entry e : f.offsets()) {
                    MessageQueue mq = new MessageQueue(e.topic(), e.brokerName(), e.queueId());
                    offsets.put(mq, new AtomicLong(e.offset()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ClientException("cannot read the offsets of group " + group + " from " + file + ": "
                    + e.getMessage() + "; fix or delete the file (the group then starts per consumeFromWhere)", e);
        }
    }

    @Override
    public void update(MessageQueue mq, long offset, boolean increaseOnly) {
        AtomicLong cur = offsets.computeIfAbsent(mq, q -> new AtomicLong(NONE));
        if (!increaseOnly) {
            cur.set(offset);
            return;
        }
        cur.accumulateAndGet(offset, Math::max);
    }

    @Override
    public long readLocal(MessageQueue mq) {
        AtomicLong cur = offsets.get(mq);
        return cur == null ? NONE : cur.get();
    }

    /**
     * The member's current offset of {@code mq}: what the file held at load, or where this member stopped
     * reading the queue since (it is persisted with the next {@link #persistAll}). Never the load-time value
     * of a queue read since: a queue revoked and assigned again would rewind to it.
     */
    @Override
    public long readStored(MessageQueue mq) {
        return readLocal(mq);
    }

    @Override
    public void persist(MessageQueue mq) {
        persistAll(List.of(mq));
    }

    /** Writes every known offset (the file holds the whole group, not only {@code mqs}). */
    @Override
    public synchronized void persistAll(Collection<MessageQueue> mqs) {
        List<Entry> entries = new ArrayList<>();
        offsets.forEach((mq, off) -> {
            if (off.get() >= 0) {
                entries.add(new Entry(mq.topic(), mq.brokerName(), mq.queueId(), off.get()));
            }
        });
        entries.sort((a, b) -> new MessageQueue(a.topic(), a.brokerName(), a.queueId())
                .compareTo(new MessageQueue(b.topic(), b.brokerName(), b.queueId())));
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.replace(file, ByteBuffer.wrap(Json.toBytes(new OffsetFile(group, entries))), io);
        } catch (IOException e) {
            LOG.warn("group {}: cannot write offsets to {}: {}; check the directory's permissions and free space",
                    group, file, e.getMessage());
        }
    }

    @Override
    public void remove(MessageQueue mq) {
        // kept: a broadcasting member that reads the queue again resumes where it stopped
    }
}
