package io.tidemq.store.api;

import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

/**
 * The message store as the broker sees it: one CommitLog, a ConsumeQueue per (topic, queue) and a key index
 * behind put, get, read, query, offsets, stats and lifecycle. The broker's only entry point into storage; the
 * implementation ({@code io.tidemq.store.DefaultMessageStore}) is named by the composition root alone.
 *
 * <p>Lifecycle: {@link #start()} (recovers, then starts the store's threads), use, {@link #close()} (flushes
 * everything and records a clean shutdown). Every method is thread-safe.
 */
public interface MessageStore extends AutoCloseable {

    StoreConfig config();

    /**
     * Recovers the store and starts its threads. Once only.
     *
     * @throws StoreIOException when the directory is locked by another store or unreadable
     */
    void start();

    /** Clean shutdown: flushes everything, writes the checkpoint, removes the abort marker. Idempotent. */
    @Override
    void close();

    /** Adds a listener told about new records per queue (long polling). Any time. */
    void addArrivalListener(MessageArrivalListener listener);

    /** The CommitLog offset the last {@link #start()} recovered the log to (its end at start). */
    long recoveredEndOffset();

    /**
     * Opens (creating when absent) and recovers the persistent timer store in {@code config.dir()}, dropping
     * entries whose CommitLog record ends past {@link #recoveredEndOffset()}: that record was lost with the
     * log's tail, and a later record at the same offset must not be delivered in its place. The caller owns the
     * timer store and closes it. After {@link #start()}.
     *
     * @throws StoreIOException when the files cannot be read or were written with another precision
     */
    TimerStore openTimerStore(TimerStoreConfig config);

    /**
     * {@link #openTimerStore(TimerStoreConfig)} dropping entries whose record ends past {@code commitLogEndOffset}
     * instead: a timer restarted at run time after the replication cut the log (the records past the cut may have
     * been replaced by another master's).
     */
    TimerStore openTimerStore(TimerStoreConfig config, long commitLogEndOffset);

    /**
     * Appends one message. The record's bytes are copied into the CommitLog before this returns, so its body may lie
     * in memory its caller reuses afterwards ({@link MessageRecord.Builder#body(java.nio.ByteBuffer, int, int)}).
     *
     * @return completes with the result once acknowledged (SYNC: durable), or exceptionally with a typed
     *         {@link StoreException}
     */
    CompletableFuture<PutResult> putMessage(MessageRecord record);

    /**
     * Appends a batch to one topic and queue, contiguously, with consecutive queue offsets; the records' bytes are
     * copied before this returns, as in {@link #putMessage}.
     */
    CompletableFuture<PutResult> putMessages(List<MessageRecord> records);

    /**
     * Up to {@code maxCount} messages (and about {@code maxTotalBytes}) of one queue from {@code queueOffset} on,
     * skipping entries whose tag hash {@code tagsCodeFilter} rejects.
     */
    GetResult getMessages(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                          LongPredicate tagsCodeFilter);

    /**
     * What {@link #getMessages} finds, as the CRC-checked records themselves, copied back to back as they are
     * stored: the body of a PULL_MESSAGE response (no decoding, no second encoding).
     */
    StoredRecords readRecords(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                              LongPredicate tagsCodeFilter);

    long minQueueOffset(String topic, int queueId);

    /** One past the last queue offset (0 for an unknown queue). */
    long maxQueueOffset(String topic, int queueId);

    /** The first queue offset stored at or after {@code timestampMs}; the max offset if none is. */
    long queueOffsetByTime(String topic, int queueId, long timestampMs);

    /**
     * @throws OffsetOutOfRangeException when the offset is not held
     * @throws CorruptRecordException    when no valid record starts there
     */
    StoredMessage readByPhysicalOffset(long physicalOffset);

    /**
     * @throws MalformedMessageIdException when the id is not a store message id
     * @throws OffsetOutOfRangeException   when the message was deleted
     */
    StoredMessage lookByMessageId(String msgId);

    /**
     * Messages of {@code topic} whose KEYS (or UNIQ_KEY) contain {@code key}, stored in [beginMs, endMs]; never a
     * message of another key that only shares the hash.
     *
     * @throws IllegalStateException when the key index is disabled
     */
    List<StoredMessage> queryByKey(String topic, String key, int maxCount, long beginMs, long endMs);

    Set<String> topics();

    Set<Integer> queueIds(String topic);

    /**
     * Creates the ConsumeQueues of a new topic (queues 0 to {@code queueCount - 1}) in the background, ahead of
     * their first records; queues that exist or already have records are left alone. Only ahead of time: a queue
     * not prepared yet is created when its first record is dispatched, as always.
     */
    void prepareQueues(String topic, int queueCount);

    /**
     * Completes when every {@link #prepareQueues} asked for before this call is done (at once when the store is not
     * running); never exceptionally. An admin call that creates many topics answers after it, so sends that follow
     * do not share the broker with the creation of their queues.
     */
    CompletableFuture<Void> queuesPrepared();

    /**
     * Deletes the ConsumeQueues of {@code topic} (a deleted topic) and restarts its queue offsets at 0. The
     * CommitLog records stay until retention deletes their files.
     */
    void deleteTopicQueues(String topic);

    long commitLogMinOffset();

    long commitLogMaxOffset();

    long flushedOffset();

    /** CommitLog offset below which every record has reached the dispatchers. */
    long dispatchedOffset();

    StoreStats stats();

    /**
     * The ConsumeQueues that stopped receiving entries because writing one failed, as {@code topic/queueId},
     * sorted; each is skipped by dispatch until the store restarts. Empty when all is well.
     */
    List<String> brokenConsumeQueueNames();

    /** Whether puts are accepted now, and if not, why ({@link #writeRefusal()} has the details). */
    StoreWriteState writeState();

    /** Why puts are refused now, for operators; null while they are accepted. */
    String writeRefusal();

    /** Runs one retention pass now (admin command, tests); returns CommitLog files deleted. */
    int runRetentionNow();
}
