package io.tidemq.store.ha;

import io.tidemq.store.api.FlushMode;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.dispatch.ReputMessageService;
import io.tidemq.store.index.IndexService;
import io.tidemq.store.queue.ConsumeQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * The store as replication sees it: raw reads (master), verified raw appends at the same offsets (slave),
 * truncation to the common point with everything derived from the log rebuilt, and the epoch lineage. Obtained
 * from {@code DefaultMessageStore#replicaLog()}.
 *
 * <p>Thread-safety: {@link #readRaw} from any thread; {@link #appendRaw}, {@link #truncate} and
 * {@link #beginMasterEpoch} from one replication thread at a time (appends are serialized by the CommitLog's
 * append lock, truncation also by the dispatcher's round lock).
 */
public final class ReplicaLog {

    private static final Logger log = LoggerFactory.getLogger(ReplicaLog.class);
    /** Directory under the store path holding {@code replica.meta} and the epoch files. */
    public static final String HA_DIR = "ha";

    private final CommitLog commitLog;
    private final ConsumeQueueStore consumeQueues;
    private final IndexService keyIndex;
    private final ReputMessageService reput;
    private final EpochFile epochs;
    private final FlushMode flushMode;
    /** The store's dispatch ceiling (the commit point): truncation re-dispatches no further than it. */
    private final LongSupplier dispatchCeiling;

    public ReplicaLog(CommitLog commitLog, ConsumeQueueStore consumeQueues, IndexService keyIndex,
                      ReputMessageService reput, EpochFile epochs, FlushMode flushMode, LongSupplier dispatchCeiling) {
        this.dispatchCeiling = dispatchCeiling;
        this.commitLog = commitLog;
        this.consumeQueues = consumeQueues;
        this.keyIndex = keyIndex;
        this.reput = reput;
        this.epochs = epochs;
        this.flushMode = flushMode;
    }

    public EpochFile epochs() {
        return epochs;
    }

    public long minOffset() {
        return commitLog.minOffset();
    }

    public long maxOffset() {
        return commitLog.maxOffset();
    }

    /**
     * Master: starts {@code epoch} at the current log end; the entry is durable before this returns, so before
     * the first write of the epoch. An earlier entry at the same offset (an epoch that wrote nothing) is replaced.
     */
    public void beginMasterEpoch(int epoch) {
        epochs.append(new EpochEntry(epoch, commitLog.maxOffset()));
        log.info("master epoch {} begins at CommitLog offset {}", epoch, commitLog.maxOffset());
    }

    /**
     * Master: raw bytes of whole records from {@code from}, at most about {@code maxBytes}, never crossing
     * {@code limit}, a file end or the end of the epoch holding {@code from}.
     */
    public byte[] readRaw(long from, int maxBytes, long limit) {
        return commitLog.readRaw(from, maxBytes, Math.min(limit, epochEnd(from)));
    }

    /** The epoch entry whose data holds {@code offset} (the last one for the log end), or null. */
    public EpochEntry epochAt(long offset) {
        EpochEntry found = null;
        for (EpochEntry entry : epochs.entries()) {
            if (entry.startOffset() <= offset) {
                found = entry;
            } else {
                break;
            }
        }
        return found;
    }

    private long epochEnd(long offset) {
        for (EpochEntry entry : epochs.entries()) {
            if (entry.startOffset() > offset) {
                return entry.startOffset();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Slave: appends a batch of the master's epoch {@code batchEpoch} at {@code offset}. The epoch entry is
     * recorded (durably) before the bytes when the batch starts a new epoch here. In SYNC flush mode the bytes
     * are forced before this returns, so the fetch that acknowledges them follows the fsync.
     *
     * @return the new log end
     */
    public long appendRaw(long offset, ByteBuffer batch, EpochEntry batchEpoch) {
        EpochEntry last = epochs.last();
        if (last == null || last.epoch() != batchEpoch.epoch()) {
            epochs.append(batchEpoch);
        }
        long end = commitLog.appendRaw(offset, batch);
        if (flushMode == FlushMode.SYNC) {
            commitLog.files().flush(0);
        }
        return end;
    }

    /**
     * A slave becoming master at run time: sets every queue's next offset from the ConsumeQueues and the records
     * past them ({@link #appendRaw} copies records with their queue offsets but does not advance the next ones), so
     * its first append does not reuse an offset a copied record holds. Call while nothing appends; runs while no
     * dispatch round does.
     */
    public void resumeQueueOffsets() {
        reput.runExclusive(() -> NextQueueOffsets.rebuild(commitLog, consumeQueues, reput.reputFromOffset(),
                commitLog.maxOffset()));
    }

    /**
     * Cuts the log at {@code point} (a replica joining a master whose log differs after it) and rebuilds what is
     * derived from it: ConsumeQueue entries past it are dropped, the key index is rolled back and re-indexed up
     * to it (and no further than the dispatch ceiling, the commit point), every queue's next offset is recomputed
     * from the ConsumeQueues and the records kept above the ceiling, and the epoch lineage loses the entries starting at or
     * after it. Runs while no dispatch round does.
     *
     * @return the bytes cut
     */
    public long truncate(long point) {
        long[] cut = new long[1];
        reput.runExclusive(() -> {
            long end = commitLog.maxOffset();
            long dispatchLimit = Math.min(point, dispatchCeiling.getAsLong());
            // derived state is complete up to the point (or the commit point) before anything is cut
            reput.dispatchUpTo(Math.min(dispatchLimit, end));
            cut[0] = Math.max(0, end - point);
            if (cut[0] > 0 || point < commitLog.minOffset()) {
                log.warn("replica TRUNCATION: CommitLog [{}, {}) ({} bytes) cut to rejoin the master", point, end,
                        cut[0]);
            }
            commitLog.truncateTo(point);
            consumeQueues.truncateAbove(point);
            long redispatchFrom = point;
            if (keyIndex != null && keyIndex.maxIndexedCommitLogOffset() >= point) {
                keyIndex.rollBackTo(point, false);
                redispatchFrom = Math.min(point, keyIndex.reindexFrom());
            }
            reput.rewindTo(redispatchFrom);
            reput.dispatchUpTo(dispatchLimit);
            // records kept but above the commit point hold queue offsets no ConsumeQueue shows yet
            NextQueueOffsets.rebuild(commitLog, consumeQueues, Math.min(reput.reputFromOffset(), point), point);
            epochs.truncateSuffix(point);
        });
        return cut[0];
    }
}
