package io.tidemq.broker.lock;

import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps the holders of a {@link QueueLockTable} in {@code config/queueLocks.json}, so a broker restart (even a
 * {@code kill -9}) does not free a queue whose holder may still be consuming it. The file is written atomically
 * (temp file, fsync, rename) after every change of a holder and before the request that made it is answered:
 * a client is told it holds a queue only once that is on disk. Renewals change no holder and write nothing.
 * Only holders are kept, not lease ends: at start every saved lock gets a full lease ({@link QueueLockTable#restore}).
 *
 * <p>Thread-safety: {@link #sync} is called by any request thread and the sweep timer; writes are serialized by
 * {@code this}, and a caller whose change an earlier write already covered returns without waiting for the disk
 * (several lock requests share one write).
 */
public final class QueueLockFile {

    private static final Logger LOG = LoggerFactory.getLogger(QueueLockFile.class);

    /** One saved lock. */
    public record SavedLock(String group, MessageQueue queue, String clientId) {
    }

    /** The file's layout. */
    public record LocksFile(int version, List<SavedLock> locks) {
    }

    private final AtomicJsonFile file;
    private final QueueLockTable table;
    /** The table version the file holds; written under {@code this}, read by any thread. */
    private volatile long written;

    public QueueLockFile(Path path, QueueLockTable table) {
        this.file = new AtomicJsonFile(path);
        this.table = table;
    }

    /** Restores the saved locks into the table (a missing file means none); call before serving requests. */
    public void load() {
        LocksFile loaded = file.read(LocksFile.class);
        if (loaded == null || loaded.locks() == null) {
            return;
        }
        for (SavedLock lock : loaded.locks()) {
            if (lock.group() != null && lock.queue() != null && lock.clientId() != null) {
                table.restore(lock.group(), lock.queue(), lock.clientId());
            }
        }
        if (!loaded.locks().isEmpty()) {
            LOG.info("restored {} ordered-consumption queue locks from {}; each holder keeps its queue for one lease"
                    + " ({} ms) unless it renews", loaded.locks().size(), file.path(), table.leaseMs());
        }
    }

    /**
     * Writes the table's holders unless the file already holds every change made so far. Returns once the
     * changes the caller made before calling are on disk.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public void sync() {
        long wanted = table.version();
        if (written >= wanted) {
            return;
        }
        synchronized (this) {
            if (written >= wanted) {
                return;
            }
            long version = table.version();
            Map<String, Map<MessageQueue, String>> holders = table.holders();
            List<SavedLock> locks = new ArrayList<>();
            new TreeMap<>(holders).forEach((group, byQueue) ->
                    byQueue.forEach((mq, clientId) -> locks.add(new SavedLock(group, mq, clientId))));
            file.write(new LocksFile(1, locks));
            written = version;
        }
    }

    public Path path() {
        return file.path();
    }
}
