package io.tidemq.store;

import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.message.MessageId;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageArrivalListener;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreClosedException;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreException;
import io.tidemq.store.api.StoreIOException;
import io.tidemq.store.api.StoreStats;
import io.tidemq.store.api.StoreWriteState;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.StoredRecords;
import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.dispatch.CommitLogDispatcher;
import io.tidemq.store.dispatch.ReputMessageService;
import io.tidemq.store.file.AllocateMappedFileService;
import io.tidemq.store.flush.AsyncFlushService;
import io.tidemq.store.flush.CommitLogFlusher;
import io.tidemq.store.flush.FlushConsumeQueueService;
import io.tidemq.store.flush.GroupCommitService;
import io.tidemq.store.ha.EpochFile;
import io.tidemq.store.ha.NextQueueOffsets;
import io.tidemq.store.ha.ReplicaLog;
import io.tidemq.store.index.IndexService;
import io.tidemq.store.metrics.StoreMetrics;
import io.tidemq.store.queue.ConsumeQueue;
import io.tidemq.store.queue.ConsumeQueuePreparer;
import io.tidemq.store.queue.ConsumeQueueStore;
import io.tidemq.store.queue.QueueMessageReader;
import io.tidemq.store.recovery.CommitLogRecovery;
import io.tidemq.store.recovery.RecoveryCut;
import io.tidemq.store.recovery.StoreCheckpoint;
import io.tidemq.store.recovery.StoreDirectoryGuard;
import io.tidemq.store.retention.RetentionService;
import io.tidemq.store.timer.DefaultTimerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

/**
 * The {@link MessageStore}: one CommitLog, a ConsumeQueue per (topic, queue), a key index, flush, dispatch,
 * recovery and retention. Only a composition root names this class; everyone else uses the interface.
 *
 * <p>Lifecycle: construct, {@link #addDispatcher} (optional), {@link #start()} (recovers, then starts the
 * threads), use, {@link #close()} (flushes everything, writes the checkpoint, removes the abort marker).
 * Every public method is thread-safe.
 */
public final class DefaultMessageStore implements MessageStore {

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageStore.class);

    private enum State { NEW, RUNNING, CLOSED }

    private final StoreConfig config;
    private final StoreMetrics metrics = new StoreMetrics();
    private final AllocateMappedFileService allocator;
    private final CommitLog commitLog;
    private final ConsumeQueueStore consumeQueues;
    private final IndexService keyIndex;
    private final QueueMessageReader queueReader;
    private final ReputMessageService reput;
    /** ASYNC mode: records are dispatchable once written, so an append wakes an idle dispatcher (long polling). */
    private final boolean wakeDispatchOnAppend;
    /** Dispatchers registered before start; read once by start. Guarded by this. */
    private final List<CommitLogDispatcher> extraDispatchers = new ArrayList<>();

    /** Transitions under this; read lock-free by the put path. */
    private volatile State state = State.NEW;
    // created by start(), used until close(); guarded by this for writes
    private StoreDirectoryGuard guard;
    private CommitLogFlusher flusher;
    private FlushConsumeQueueService flushConsumeQueueService;
    private volatile DiskSpaceGuard diskSpace;
    private RetentionService retention;
    /** Created by start() (read lock-free by prepareQueues), closed with the other threads. */
    private volatile ConsumeQueuePreparer queuePreparer;
    private volatile CommitLogRecovery.Result lastRecovery;
    /**
     * Replication: dispatch (ConsumeQueues, key index, arrival events) stops below this CommitLog offset, the
     * commit point in SYNC replication, so consumers never see a record a failover could discard. Written by
     * the replication thread, read by the dispatch thread.
     */
    private volatile long dispatchCeiling = Long.MAX_VALUE;
    /** Created on first use; guarded by this. */
    private ReplicaLog replicaLog;
    /**
     * The dispatched offset the last thorough index flush made durable, and when that round started. Written and
     * read by whoever runs flush rounds: the tidemq-flush-consumequeue thread, then close() after stopping it.
     */
    private volatile long durableDispatchedOffset = -1;
    private volatile long lastThoroughIndexFlushMs;

    public DefaultMessageStore(StoreConfig config) {
        this.config = config;
        this.allocator = config.preallocateNextFile()
                ? new AllocateMappedFileService(config.warmMappedFiles(), config.flushMode() == FlushMode.SYNC,
                config.fileIo()) : null;
        this.commitLog = new CommitLog(config, metrics, allocator);
        this.consumeQueues = new ConsumeQueueStore(config.consumeQueueDir(), config.consumeQueueEntriesPerFile(),
                config.fileIo());
        this.keyIndex = config.keyIndexEnabled()
                ? new IndexService(config.indexDir(), config.indexHashSlots(), config.indexMaxEntriesPerFile()) : null;
        this.queueReader = new QueueMessageReader(consumeQueues, commitLog, config.maxScanEntriesPerGet());
        this.wakeDispatchOnAppend = config.flushMode() == FlushMode.ASYNC;
        this.reput = new ReputMessageService(commitLog, config.flushMode() == FlushMode.SYNC
                ? () -> Math.min(commitLog.flushedOffset(), dispatchCeiling)
                : () -> Math.min(commitLog.maxOffset(), dispatchCeiling), metrics);
    }

    @Override
    public StoreConfig config() {
        return config;
    }

    /** Adds a dispatcher that sees every record after the ConsumeQueues and the key index. Before start only. */
    public synchronized void addDispatcher(CommitLogDispatcher dispatcher) {
        if (state != State.NEW) {
            throw new IllegalStateException("dispatchers must be added before start()");
        }
        extraDispatchers.add(dispatcher);
    }

    /** Adds a listener told about new records per queue (long polling). Any time. */
    @Override
    public void addArrivalListener(MessageArrivalListener listener) {
        reput.addArrivalListener(listener);
    }

    /**
     * Recovers the store (see {@link CommitLogRecovery#recover} for the contract) and starts its threads.
     *
     * @throws StoreIOException when the directory is locked by another store or unreadable
     */
    @Override
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("a store can be started once; it is " + state);
        }
        long startMs = System.currentTimeMillis();
        guard = StoreDirectoryGuard.acquire(config.storePath());
        try {
            boolean abnormal = guard.previousRunAborted();
            StoreCheckpoint checkpoint = StoreCheckpoint.load(config.storePath());
            commitLog.load();
            lastRecovery = new CommitLogRecovery().recover(commitLog, checkpoint, abnormal);
            long end = lastRecovery.endOffset();
            ConsumeQueueStore.Recovery queueRecovery = consumeQueues.loadAndRecover(
                    checkpoint.isKnown() ? checkpoint.consumeQueueFlushedOffset() : -1);
            lastRecovery = lastRecovery.withCuts(queueRecovery.cuts()).withCuts(consumeQueues.truncateAbove(end));
            reput.addDispatcher(consumeQueues);
            long redispatchFrom = checkpoint.isKnown()
                    ? Math.min(checkpoint.consumeQueueFlushedOffset(), end) : commitLog.minOffset();
            if (keyIndex != null) {
                keyIndex.load();
                redispatchFrom = Math.min(redispatchFrom, reportInterruptedIndexFiles());
                redispatchFrom = Math.min(redispatchFrom, rollBackKeyIndex(checkpoint, end, abnormal));
                reput.addDispatcher(keyIndex);
            }
            extraDispatchers.forEach(reput::addDispatcher);
            if (queueRecovery.redispatchFrom() >= 0 && queueRecovery.redispatchFrom() < redispatchFrom) {
                log.warn("re-dispatching from CommitLog offset {} (not {}) to rebuild ConsumeQueue entries that"
                        + " recovery found missing", queueRecovery.redispatchFrom(), redispatchFrom);
                redispatchFrom = queueRecovery.redispatchFrom();
            }
            reput.setReputFromOffset(Math.max(redispatchFrom, commitLog.minOffset()));
            long before = metrics.dispatchedRecords.sum();
            long dispatchTo = Math.min(end, dispatchCeiling);
            reput.dispatchUpTo(dispatchTo);
            log.info("re-dispatched {} record(s) from offset {} to {}", metrics.dispatchedRecords.sum() - before,
                    redispatchFrom, dispatchTo);
            int heldBack = NextQueueOffsets.rebuild(commitLog, consumeQueues, reput.reputFromOffset(), end);
            if (heldBack > 0) {
                log.info("{} record(s) in [{}, {}) stay undispatched until replication commits them; their queue"
                        + " offsets are reserved", heldBack, reput.reputFromOffset(), end);
            }
            consumeQueues.advanceMinimums(commitLog.minOffset());
            startThreads();
            state = State.RUNNING;
            log.info("store {} started in {} ms ({} flush, CommitLog [{}, {}))", config.storePath(),
                    System.currentTimeMillis() - startMs, config.flushMode(), commitLog.minOffset(), end);
        } catch (RuntimeException | Error e) {
            releaseAfterFailedStart(e);
            throw e;
        }
    }

    /**
     * A failed start releases everything it took, so the directory can be opened again in this JVM: threads
     * already started are stopped, files unmapped, the lock released. Nothing is flushed: the abort marker stays
     * and the next start recovers as after a crash. Failures while releasing are added to {@code cause}.
     */
    private void releaseAfterFailedStart(Throwable cause) {
        state = State.CLOSED;
        commitLog.closeAppends();
        stopQuietly(cause, queuePreparer, ConsumeQueuePreparer::close);
        stopQuietly(cause, diskSpace, DiskSpaceGuard::close);
        stopQuietly(cause, retention, RetentionService::close);
        stopQuietly(cause, flushConsumeQueueService, FlushConsumeQueueService::close);
        stopQuietly(cause, reput, ReputMessageService::close);
        stopQuietly(cause, flusher, CommitLogFlusher::abort);
        stopQuietly(cause, this, store -> store.releaseFiles(false));
        stopQuietly(cause, guard, StoreDirectoryGuard::close);
        log.error("store {} failed to start; everything it had opened is released", config.storePath());
    }

    /** Runs one release step, keeping its failure as suppressed by {@code cause} so the next step still runs. */
    private static <T> void stopQuietly(Throwable cause, T target, java.util.function.Consumer<T> step) {
        if (target == null) {
            return;
        }
        try {
            step.accept(target);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Reports, as cuts in the recovery result, the key index files whose creation a crash interrupted (shorter
     * than their header, or without their magic) and that {@code IndexService.load} deleted, with any later file.
     *
     * @return the CommitLog offset re-dispatch must start at, at the latest, to rebuild them
     */
    private long reportInterruptedIndexFiles() {
        List<IndexService.DeletedFile> deleted = keyIndex.deletedAtLoad();
        if (deleted.isEmpty()) {
            return Long.MAX_VALUE;
        }
        List<RecoveryCut> cuts = new ArrayList<>();
        for (IndexService.DeletedFile file : deleted) {
            String reason = "key index file " + file.path().getFileName() + " was being created when the store"
                    + " stopped (or follows such a file); deleted and rebuilt from the CommitLog by re-dispatch";
            cuts.add(new RecoveryCut(RecoveryCut.INDEX, file.beginOffset(), file.beginOffset(), file.bytes(), reason));
        }
        lastRecovery = lastRecovery.withCuts(cuts);
        return Math.max(keyIndex.rebuildFromAfterLoad(), commitLog.minOffset());
    }

    /**
     * Makes the key index forget what it indexed at or after the point re-dispatch will index again: the
     * checkpoint's {@code indexFlushedOffset} (entries after it may not be durable, the file header may be ahead
     * of them), or the recovered end when the CommitLog lost its tail below what the index reached; after a crash
     * also the whole file that was being appended to at the checkpoint (see {@link IndexService#rollBackTo}), and
     * everything when there is no checkpoint. Entries for records that no longer exist are a cut, reported in the
     * recovery result.
     *
     * @return the CommitLog offset re-dispatch must start at, at the latest, for the index to be complete
     */
    private long rollBackKeyIndex(StoreCheckpoint checkpoint, long end, boolean abnormal) {
        // without a checkpoint nothing of the index is known to be durable: rebuild it all
        long rollBackTo = checkpoint.isKnown() && checkpoint.indexFlushedOffset() >= 0
                ? Math.min(checkpoint.indexFlushedOffset(), end) : abnormal ? commitLog.minOffset() : end;
        long maxIndexed = keyIndex.maxIndexedCommitLogOffset();
        long deletedBytes = keyIndex.rollBackTo(rollBackTo, abnormal);
        if (deletedBytes >= 0 && maxIndexed >= end) {
            String reason = "the key index reached CommitLog offset " + maxIndexed + " but the CommitLog ends at "
                    + end + "; index files from " + rollBackTo + " on were deleted and are rebuilt by re-dispatch";
            // what is cut is the entries of records that no longer exist; the rest is rebuilt by re-dispatch
            RecoveryCut cut = new RecoveryCut(RecoveryCut.INDEX, end, maxIndexed + 1, deletedBytes, reason);
            log.warn("key index CUT: CommitLog offsets [{}, {}) ({} bytes of index files) removed: {}",
                    cut.fromOffset(), cut.toOffset(), cut.bytes(), reason);
            lastRecovery = lastRecovery.withCuts(List.of(cut));
        }
        return Math.min(rollBackTo, keyIndex.reindexFrom());
    }

    private void startThreads() {
        diskSpace = new DiskSpaceGuard(config.storePath(), config.diskReserveBytes(), config.fileIo());
        diskSpace.start();
        DiskSpaceGuard guard = diskSpace;
        reput.onDiskFull(guard::reportNoSpace);
        if (allocator != null) {
            allocator.start();
        }
        flusher = config.flushMode() == FlushMode.SYNC
                ? new GroupCommitService(commitLog.files(), metrics, config.syncFlushTimeoutMs(), reput::wakeUp)
                : new AsyncFlushService(commitLog.files(), metrics, config.flushIntervalMs(),
                config.flushLeastPages(), config.flushThoroughIntervalMs());
        flusher.start();
        reput.start();
        flushConsumeQueueService = new FlushConsumeQueueService(() -> flushIndexesAndCheckpoint(false, false),
                config.flushConsumeQueueIntervalMs());
        flushConsumeQueueService.start();
        queuePreparer = new ConsumeQueuePreparer(consumeQueues,
                (topic, queueId) -> commitLog.nextQueueOffset(topic, queueId) == 0);
        retention = new RetentionService(commitLog, consumeQueues, metrics, config.retentionHours(),
                config.diskMaxUsedRatio(), config.deleteFilesPerRun(),
                () -> RetentionService.diskUsedRatio(config.storePath()), this::durablyDispatchedOffset,
                min -> {
                    if (keyIndex != null) {
                        keyIndex.deleteFilesBelow(min);
                    }
                }, System::currentTimeMillis);
        retention.start(config.deleteCheckIntervalMs());
    }

    /**
     * One flush round of the indexes, then the checkpoint. A thorough round (every
     * {@code flushConsumeQueueThoroughIntervalMs}, and the final one of close()) flushes every ConsumeQueue and
     * advances the checkpoint's dispatched offset; the rounds in between flush only queues with at least
     * {@code flushConsumeQueueLeastPages} dirty pages and keep the last thorough round's dispatched offset, so the
     * checkpoint never claims an entry durable that was not flushed. Why: with thousands of sparse queues, an msync
     * of every queue every round is thousands of small synchronous writes per second for a few entries each, and
     * every msync leaves the page write-protected for the next entry (docs/benchmarks.md, "Many queues": this did not
     * remove the dispatcher's fault cost measured there, whose cause is still open).
     *
     * @param finalRound the last round, from close(): always thorough
     * @param clean      a clean close(): the checkpoint also records the CommitLog's exact end, so the next start
     *                   knows where the log ends (see CommitLogRecovery), when everything written was flushed
     */
    private void flushIndexesAndCheckpoint(boolean finalRound, boolean clean) {
        long startMs = System.currentTimeMillis();
        boolean thorough = finalRound
                || startMs - lastThoroughIndexFlushMs >= config.flushConsumeQueueThoroughIntervalMs();
        if (thorough) {
            long dispatched = durablyDispatchedOffset();
            consumeQueues.flushAll(0);
            durableDispatchedOffset = dispatched;
            lastThoroughIndexFlushMs = startMs;
        } else {
            consumeQueues.flushAll(config.flushConsumeQueueLeastPages());
        }
        if (keyIndex != null) {
            keyIndex.flush();
        }
        long nowMs = System.currentTimeMillis();
        long flushed = commitLog.flushedOffset();
        long cleanEnd = clean && flushed == commitLog.maxOffset() ? flushed : -1;
        long dispatched = durableDispatchedOffset;
        new StoreCheckpoint(flushed, nowMs, dispatched, lastThoroughIndexFlushMs, lastThoroughIndexFlushMs, dispatched,
                cleanEnd).store(config.storePath());
    }

    /**
     * Appends one message.
     *
     * @return completes with the result once acknowledged (SYNC: durable), or exceptionally with a typed
     *         {@link StoreException}
     */
    @Override
    public CompletableFuture<PutResult> putMessage(MessageRecord record) {
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(notRunning());
        }
        try {
            diskSpace.checkWritable();
            CompletableFuture<PutResult> put = flusher.onAppended(commitLog.append(record));
            if (wakeDispatchOnAppend) {
                reput.onAppended();
            }
            return put;
        } catch (DiskFullException e) {
            diskSpace.reportNoSpace(e);
            return CompletableFuture.failedFuture(e);
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Appends a batch to one topic and queue, contiguously, with consecutive queue offsets. */
    @Override
    public CompletableFuture<PutResult> putMessages(List<MessageRecord> records) {
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(notRunning());
        }
        try {
            diskSpace.checkWritable();
            CompletableFuture<PutResult> put = flusher.onAppended(commitLog.appendBatch(records));
            if (wakeDispatchOnAppend) {
                reput.onAppended();
            }
            return put;
        } catch (DiskFullException e) {
            diskSpace.reportNoSpace(e);
            return CompletableFuture.failedFuture(e);
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private StoreClosedException notRunning() {
        return new StoreClosedException("the message store at " + config.storePath() + " is " + state
                + "; start() it first or send to another broker");
    }

    /** See {@link QueueMessageReader#getMessages}. */
    @Override
    public GetResult getMessages(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                                 LongPredicate tagsCodeFilter) {
        return queueReader.getMessages(topic, queueId, queueOffset, maxCount, maxTotalBytes, tagsCodeFilter);
    }

    /** See {@link QueueMessageReader#readRecords}. */
    @Override
    public StoredRecords readRecords(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                                     LongPredicate tagsCodeFilter) {
        return queueReader.readRecords(topic, queueId, queueOffset, maxCount, maxTotalBytes, tagsCodeFilter);
    }

    @Override
    public long minQueueOffset(String topic, int queueId) {
        ConsumeQueue queue = consumeQueues.find(topic, queueId);
        return queue == null ? 0 : queue.minOffset();
    }

    /** One past the last queue offset (0 for an unknown queue). */
    @Override
    public long maxQueueOffset(String topic, int queueId) {
        ConsumeQueue queue = consumeQueues.find(topic, queueId);
        return queue == null ? 0 : queue.maxOffset();
    }

    /**
     * The queue offset the CommitLog assigns next in a queue: one past the last record appended here, dispatched or
     * not (above {@link #maxQueueOffset} while records wait for the commit point or for dispatch). On a slave it
     * does not follow the copied records (they keep their master's offsets).
     */
    public long nextQueueOffset(String topic, int queueId) {
        return commitLog.nextQueueOffset(topic, queueId);
    }

    /** The first queue offset stored at or after {@code timestampMs}; the max offset if none is. */
    @Override
    public long queueOffsetByTime(String topic, int queueId, long timestampMs) {
        ConsumeQueue queue = consumeQueues.find(topic, queueId);
        return queue == null ? 0 : queue.offsetByTime(timestampMs, commitLog::readStoreTimestamp);
    }

    /**
     * @throws OffsetOutOfRangeException when the offset is not held
     * @throws CorruptRecordException    when no valid record starts there
     */
    @Override
    public StoredMessage readByPhysicalOffset(long physicalOffset) {
        return commitLog.read(physicalOffset);
    }

    /**
     * @throws MalformedMessageIdException when the id is not a store message id
     * @throws OffsetOutOfRangeException   when the message was deleted
     */
    @Override
    public StoredMessage lookByMessageId(String msgId) {
        return commitLog.read(MessageId.decode(msgId).physicalOffset());
    }

    /**
     * Messages of {@code topic} whose KEYS (or UNIQ_KEY) contain {@code key}, stored in [beginMs, endMs].
     * Each candidate from the hash index is read and checked, so collisions never leak other messages.
     */
    @Override
    public List<StoredMessage> queryByKey(String topic, String key, int maxCount, long beginMs, long endMs) {
        if (keyIndex == null) {
            throw new IllegalStateException("the key index is disabled (keyIndexEnabled=false)");
        }
        List<StoredMessage> out = new ArrayList<>();
        for (long offset : keyIndex.queryPhysicalOffsets(topic, key, maxCount, beginMs, endMs)) {
            try {
                StoredMessage message = commitLog.read(offset);
                if (message.topic().equals(topic) && hasKey(message, key)) {
                    out.add(message);
                }
            } catch (OffsetOutOfRangeException | CorruptRecordException e) {
                log.debug("key index hit at {} is unreadable: {}", offset, e.getMessage());
            }
        }
        return out;
    }

    private static boolean hasKey(StoredMessage message, String key) {
        if (key.equals(message.uniqueKey())) {
            return true;
        }
        String keys = message.keys();
        return keys != null && List.of(keys.split(" ")).contains(key);
    }

    @Override
    public Set<String> topics() {
        return consumeQueues.topics();
    }

    /**
     * Deletes the ConsumeQueues of {@code topic} (a deleted topic), files included, and restarts its queue
     * offsets at 0, so a topic re-created under the name starts empty. The CommitLog records stay until
     * retention deletes their files; they are no longer reachable through the topic. Call it once the topic
     * takes no more writes. Limit: a recovery that re-dispatches records of the topic written before its
     * deletion (after an unclean stop, records newer than the last checkpoint; or all records when the
     * checkpoint is lost) indexes them again.
     */
    @Override
    public void deleteTopicQueues(String topic) {
        for (int queueId : consumeQueues.removeTopic(topic)) {
            commitLog.setNextQueueOffset(topic, queueId, 0);
        }
    }

    /**
     * Creates the ConsumeQueues of a new topic (queues 0 to {@code queueCount - 1}) in the background, so the
     * dispatch thread does not create them at their first records; queues that exist or already have records are
     * left alone. Ignored while the store is not running.
     */
    @Override
    public void prepareQueues(String topic, int queueCount) {
        ConsumeQueuePreparer preparer = queuePreparer;
        if (state == State.RUNNING && preparer != null) {
            preparer.prepare(topic, queueCount);
        }
    }

    @Override
    public CompletableFuture<Void> queuesPrepared() {
        ConsumeQueuePreparer preparer = queuePreparer;
        return state == State.RUNNING && preparer != null ? preparer.drained() : CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Integer> queueIds(String topic) {
        return consumeQueues.queueIds(topic);
    }

    @Override
    public long commitLogMinOffset() {
        return commitLog.minOffset();
    }

    @Override
    public long commitLogMaxOffset() {
        return commitLog.maxOffset();
    }

    @Override
    public long flushedOffset() {
        return commitLog.flushedOffset();
    }

    /**
     * Replication: dispatch stops below {@code offset} (the commit point); {@code Long.MAX_VALUE} lifts the
     * limit. Records above it stay in the CommitLog, invisible to consumers, until the ceiling rises. May be
     * called before {@link #start()} (with the persisted commit point): recovery then dispatches only up to it,
     * and the queue offsets of the records above it stay reserved.
     */
    public void setDispatchCeiling(long offset) {
        dispatchCeiling = offset;
        // wakes a sleeping dispatcher (or one a held pull waits for); a polling one sees it within a millisecond,
        // so a commit point moving per replicated batch costs no wake-up per batch under load
        reput.onLimitRaised();
    }

    /** The dispatcher's polling park of a store that takes writes (ms). */
    public static final long DISPATCH_POLL_MS = ReputMessageService.DEFAULT_POLL_MS;
    /** The dispatcher's polling park of a slave copying its master's log (ms). */
    public static final long FOLLOWER_DISPATCH_POLL_MS = ReputMessageService.FOLLOWER_POLL_MS;

    /**
     * Replication: how long the dispatcher parks between rounds while records arrive; a slave copying its master's
     * log sets {@link #FOLLOWER_DISPATCH_POLL_MS}, a master {@link #DISPATCH_POLL_MS} (see
     * {@link ReputMessageService#setPollIntervalMs}).
     */
    public void setDispatchPollIntervalMs(long ms) {
        reput.setPollIntervalMs(ms);
    }

    /** The dispatcher's polling park now, in ms. */
    public long dispatchPollIntervalMs() {
        return reput.pollIntervalMs();
    }

    /**
     * Replication access to this store's log: raw reads and appends, truncation and the epoch lineage of
     * {@code <storePath>/ha/}. Only once the store runs.
     */
    public synchronized ReplicaLog replicaLog() {
        if (state != State.RUNNING) {
            throw notRunning();
        }
        if (replicaLog == null) {
            replicaLog = new ReplicaLog(commitLog, consumeQueues, keyIndex, reput,
                    EpochFile.load(config.storePath().resolve(ReplicaLog.HA_DIR)), config.flushMode(),
                    () -> dispatchCeiling);
        }
        return replicaLog;
    }

    /** CommitLog offset below which every record has reached the dispatchers. */
    @Override
    public long dispatchedOffset() {
        return reput.reputFromOffset();
    }

    @Override
    public StoreStats stats() {
        return metrics.snapshot(commitLog.minOffset(), commitLog.maxOffset(), commitLog.flushedOffset(),
                reput.reputFromOffset(), consumeQueues.brokenQueues().size());
    }

    /**
     * ConsumeQueues that stopped receiving entries because writing one failed; each is skipped by dispatch until
     * the store restarts, which dispatches its missing records again. Empty when all is well.
     */
    public List<ConsumeQueueStore.BrokenQueue> brokenConsumeQueues() {
        return consumeQueues.brokenQueues();
    }

    @Override
    public List<String> brokenConsumeQueueNames() {
        return brokenConsumeQueues().stream().map(q -> q.topic() + "/" + q.queueId()).sorted().toList();
    }

    /**
     * CommitLog offset below which every record is in every ConsumeQueue (and the other dispatchers): the
     * dispatched offset, held below the first record a broken queue is missing. The checkpoint records it, so a
     * restart dispatches from there, and retention keeps the files above it.
     */
    private long durablyDispatchedOffset() {
        return Math.min(reput.reputFromOffset(), consumeQueues.redispatchFloor());
    }

    @Override
    public long recoveredEndOffset() {
        CommitLogRecovery.Result recovery = lastRecovery;
        if (recovery == null) {
            throw new IllegalStateException("the store at " + config.storePath() + " has not been started");
        }
        return recovery.endOffset();
    }

    @Override
    public TimerStore openTimerStore(TimerStoreConfig timerConfig) {
        return DefaultTimerStore.open(timerConfig, recoveredEndOffset());
    }

    @Override
    public TimerStore openTimerStore(TimerStoreConfig timerConfig, long commitLogEndOffset) {
        return DefaultTimerStore.open(timerConfig, commitLogEndOffset);
    }

    /** What the last start's recovery did (null before start). */
    public CommitLogRecovery.Result lastRecovery() {
        return lastRecovery;
    }

    /** Runs one retention pass now (admin command, tests); returns CommitLog files deleted. */
    @Override
    public int runRetentionNow() {
        return retention.runOnce();
    }

    /**
     * Clean shutdown: flushes everything, writes the checkpoint, removes the abort marker. Idempotent. When the
     * CommitLog is not durable to its end (a failed or unfinished final fsync, or a fail-stop after a failed
     * fsync), nothing is dispatched past the durable end and the abort marker stays, so the next start verifies
     * the log by checksum.
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        commitLog.closeAppends();
        // every step runs even when an earlier one failed, so a failed close still releases threads, files and the
        // lock; the first failure is thrown at the end (later ones are suppressed by it)
        Throwable[] failure = {null};
        stopThreads(failure);
        long durableEnd = commitLog.flushedOffset();
        boolean clean = failure[0] == null && commitLog.flushFailure() == null && durableEnd >= commitLog.maxOffset();
        try {
            // never past the commit point: what replication has not committed stays undispatched across a restart
            reput.dispatchUpTo(Math.min(clean ? commitLog.maxOffset() : durableEnd, dispatchCeiling));
        } catch (RuntimeException e) {
            clean = false;
            failure[0] = firstOf(failure[0], e);
            log.error("store {}: the final dispatch failed at CommitLog offset {}", config.storePath(),
                    reput.reputFromOffset(), e);
        }
        try {
            flushIndexesAndCheckpoint(true, clean);
        } catch (RuntimeException e) {
            clean = false;
            log.error("store {}: the final flush of the ConsumeQueues, key index or checkpoint failed", config.storePath(), e);
        }
        attempt(failure, () -> releaseFiles(true));
        if (clean) {
            attempt(failure, guard::markCleanShutdown);
            log.info("store {} closed cleanly at offset {}", config.storePath(), commitLog.maxOffset());
        } else {
            log.error("store {} closed UNCLEANLY: the CommitLog is durable only to offset {} of {}{}; the abort marker"
                    + " stays, so the next start verifies every record after the checkpoint by checksum",
                    config.storePath(), durableEnd, commitLog.maxOffset(),
                    commitLog.flushFailure() == null ? "" : " (fail-stopped after a failed fsync)");
        }
        attempt(failure, guard::close);
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        } else if (failure[0] instanceof Error e) {
            throw e;
        }
    }

    /** Runs {@code step}; a failure is kept in {@code failure[0]} (or suppressed by the one already there). */
    private static void attempt(Throwable[] failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            failure[0] = firstOf(failure[0], e);
        }
    }

    private static Throwable firstOf(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Whether puts are accepted now, and if not, why ({@link #writeRefusal()} has the details). */
    @Override
    public StoreWriteState writeState() {
        if (commitLog.flushFailure() != null) {
            return StoreWriteState.FSYNC_FAILED;
        }
        DiskSpaceGuard disk = diskSpace;
        return disk != null && disk.isFull() ? StoreWriteState.DISK_FULL : StoreWriteState.WRITABLE;
    }

    /** Why puts are refused now, for operators ({@code admin cluster stats}); null while they are accepted. */
    @Override
    public String writeRefusal() {
        FsyncFailedException failed = commitLog.flushFailure();
        if (failed != null) {
            return failed.getMessage();
        }
        DiskSpaceGuard disk = diskSpace;
        return disk == null ? null : disk.refusal();
    }

    /**
     * Stops the store as a crash would: threads stop and files are released, but nothing is flushed (no final
     * fsync of the CommitLog, the queues or the key index), there is no checkpoint and the abort marker stays,
     * so the next start runs abnormal recovery. Pending SYNC puts fail with {@link StoreClosedException}. Like
     * {@code kill -9}, the page cache keeps what was written. For tests of recovery within one JVM (a separate
     * process can simply be killed).
     */
    public synchronized void closeAbruptly() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        commitLog.closeAppends();
        queuePreparer.close();
        diskSpace.close();
        retention.close();
        flushConsumeQueueService.close();
        reput.close();
        flusher.abort();
        releaseFiles(false);
        guard.close();
        log.warn("store {} closed ABRUPTLY (simulated crash: nothing flushed)", config.storePath());
    }

    private void stopThreads(Throwable[] failure) {
        attempt(failure, queuePreparer::close);
        attempt(failure, diskSpace::close);
        attempt(failure, retention::close);
        attempt(failure, flushConsumeQueueService::close);
        attempt(failure, flusher::close);
        attempt(failure, reput::close);
    }

    /** @param flushIndex whether the key index is flushed before it is unmapped (not in a simulated crash) */
    private void releaseFiles(boolean flushIndex) {
        Throwable[] failure = {null};
        if (allocator != null) {
            attempt(failure, allocator::close);
        }
        attempt(failure, commitLog::shutdown);
        attempt(failure, consumeQueues::shutdown);
        if (keyIndex != null) {
            attempt(failure, flushIndex ? keyIndex::close : keyIndex::abandon);
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        } else if (failure[0] instanceof Error e) {
            throw e;
        }
    }
}
