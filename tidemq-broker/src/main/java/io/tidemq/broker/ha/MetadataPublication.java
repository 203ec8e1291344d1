package io.tidemq.broker.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A master's publication of its metadata (topics, subscription groups, consumer offsets) to its slaves in one
 * epoch: the version slaves should hold, which moves when the metadata changed, and the version each slave reported
 * applied, so an admin change can wait until the in-sync slaves hold it. Created when the replica becomes master,
 * dropped when it stops.
 *
 * <p>Versions are {@code (epoch << 32) | counter}, so the first version of a later epoch (a restarted or new
 * master) is above anything a slave applied before: every slave copies the metadata again after a role change.
 */
final class MetadataPublication implements HaServer.Metadata {

    private static final Logger log = LoggerFactory.getLogger(MetadataPublication.class);

    private final ReplicatedMetadata metadata;
    /** Wakes the slaves' held fetches, so they hear of a new version at once. */
    private final Runnable wakeSlaves;
    private final AtomicLong version;
    /** The version each slave reported applied (with every fetch), by replica id. Guarded by itself. */
    private final Map<Integer, Long> applied = new HashMap<>();
    /** {@link ReplicatedMetadata#changeCount()} when the version last moved; owned by the periodic checker. */
    private long lastChangeCount;

    /**
     * @param publishAtFirstCheck whether the first {@link #publishIfChanged()} publishes a new version even when
     *                            nothing changed (a master elected at run time: its slaves copy the metadata again)
     */
    MetadataPublication(ReplicatedMetadata metadata, int epoch, boolean publishAtFirstCheck, Runnable wakeSlaves) {
        this.metadata = metadata;
        this.wakeSlaves = wakeSlaves;
        this.version = new AtomicLong((long) epoch << 32);
        this.lastChangeCount = publishAtFirstCheck ? Long.MIN_VALUE : metadata.changeCount();
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public byte[] snapshot() {
        return metadata.snapshot();
    }

    @Override
    public void applied(int replicaId, long appliedVersion) {
        synchronized (applied) {
            Long before = applied.put(replicaId, appliedVersion);
            if (before == null || before != appliedVersion) {
                applied.notifyAll();
            }
        }
    }

    @Override
    public int mergeOffsets(byte[] body) {
        return metadata.mergeOffsets(body);
    }

    /** A new version when topics or offsets changed since the last one. Called periodically by one thread. */
    void publishIfChanged() {
        long count = metadata.changeCount();
        if (count != lastChangeCount) {
            lastChangeCount = count;
            publish();
        }
    }

    /** A new version now; returns it. */
    long publish() {
        long published = version.incrementAndGet();
        wakeSlaves.run();
        return published;
    }

    /**
     * Publishes a new version and waits until every replica {@code isr} counts in sync applied it, at most
     * {@code timeoutMs}. Blocks: never call it on an I/O thread.
     *
     * @return whether every in-sync slave applied it in time
     */
    boolean publishAndAwait(InSyncReplicas isr, long timeoutMs) {
        long published = publish();
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (applied) {
            while (true) {
                boolean all = true;
                for (InSyncReplicas.ReplicaView r : isr.view()) {
                    if (r.inSync() && applied.getOrDefault(r.replicaId(), 0L) < published) {
                        all = false;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (all) {
                    return true;
                }
                if (left <= 0) {
                    log.warn("the in-sync slaves did not apply metadata version {} within {} ms; they get it with a"
                            + " later fetch", published, timeoutMs);
                    return false;
                }
                try {
                    applied.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }
}
