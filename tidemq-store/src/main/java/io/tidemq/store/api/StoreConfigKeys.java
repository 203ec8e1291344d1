package io.tidemq.store.api;

import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;

/**
 * The store's configuration keys, each declared once (name, type, unit, default, range, meaning):
 * {@link StoreConfig.Builder} takes its defaults from them and checks its values against their ranges, a broker
 * binds the store keys of its properties file with {@link #TABLE}, and docs/configuration.md ("## Store") shows
 * {@link ConfigTable#markdownRows()} (StoreConfigDocTest fails when they disagree). {@code storePath},
 * {@code flushMode} and {@code maxMessageBytes} follow the broker keys of the same name and are not in the table.
 */
public final class StoreConfigKeys {

    public static final ConfigKey<Integer> COMMIT_LOG_FILE_BYTES = ConfigKey.ofInt(
            "commitLogFileBytes", "bytes", StoreConfig.DEFAULT_COMMIT_LOG_FILE_BYTES, 64 * 1024,
            Integer.MAX_VALUE,
            "size of each CommitLog file; a multiple of 4096 that holds the largest record (`maxMessageBytes` plus"
                    + " headers)")
            .defaultText("1073741824 (1 GiB)");
    public static final ConfigKey<Integer> CONSUME_QUEUE_ENTRIES_PER_FILE = ConfigKey.ofInt(
            "consumeQueueEntriesPerFile", "entries", 300_000, 16, 50_000_000,
            "20-byte entries per ConsumeQueue file");
    public static final ConfigKey<Long> FLUSH_INTERVAL_MS = ConfigKey.ofLong(
            "flushIntervalMs", "ms", 500, 1, 60_000,
            "ASYNC: how often the flush thread wakes; a byte is durable at most twice this (plus one msync) after"
                    + " it was written");
    public static final ConfigKey<Integer> FLUSH_LEAST_PAGES = ConfigKey.ofInt(
            "flushLeastPages", "pages", 4, 0, 1_000_000,
            "ASYNC: dirty 4 KiB pages a wake needs before it flushes; fewer defer the flush by one wake at most");
    public static final ConfigKey<Long> FLUSH_THOROUGH_INTERVAL_MS = ConfigKey.ofLong(
            "flushThoroughIntervalMs", "ms", 10_000, 1, 3_600_000,
            "ASYNC: at least this often everything dirty is flushed, whatever its amount");
    public static final ConfigKey<Long> SYNC_FLUSH_TIMEOUT_MS = ConfigKey.ofLong(
            "syncFlushTimeoutMs", "ms", 5_000, 1, 600_000,
            "SYNC: a send not durable after this long is answered FLUSH_DISK_TIMEOUT");
    public static final ConfigKey<Long> FLUSH_CONSUME_QUEUE_INTERVAL_MS = ConfigKey.ofLong(
            "flushConsumeQueueIntervalMs", "ms", 1_000, 1, 60_000,
            "how often ConsumeQueues and the key index are flushed and the checkpoint written");
    public static final ConfigKey<Integer> FLUSH_CONSUME_QUEUE_LEAST_PAGES = ConfigKey.ofInt(
            "flushConsumeQueueLeastPages", "pages", 2, 0, 1_000_000,
            "dirty 4 KiB pages a ConsumeQueue needs before a flush round msyncs it; queues with fewer wait for the"
                    + " next thorough round (with many sparse queues, an msync per queue per round is thousands of"
                    + " small synchronous writes per second)");
    public static final ConfigKey<Long> FLUSH_CONSUME_QUEUE_THOROUGH_INTERVAL_MS = ConfigKey.ofLong(
            "flushConsumeQueueThoroughIntervalMs", "ms", 60_000, 1, 3_600_000,
            "at least this often every ConsumeQueue is flushed whatever its dirty pages, and only then does the"
                    + " checkpoint's dispatched offset advance: after a crash recovery re-indexes at most this much of"
                    + " the CommitLog (a round msyncs every queue written since the last one: with 10 000 queues,"
                    + " 10 000 msyncs)");
    public static final ConfigKey<Integer> RETENTION_HOURS = ConfigKey.ofInt(
            "retentionHours", "hours", 72, 1, 24 * 365 * 10,
            "CommitLog files last modified longer ago than this are deleted");
    public static final ConfigKey<Double> DISK_MAX_USED_RATIO = ConfigKey.ofDouble(
            "diskMaxUsedRatio", "ratio", 0.85, 0.10, 0.99,
            "above this used/total ratio of the store's disk the oldest files are deleted before their retention"
                    + " time");
    public static final ConfigKey<Long> DISK_RESERVE_BYTES = ConfigKey.ofLong(
            "diskReserveBytes", "bytes", -1, -1, 1L << 50,
            "puts answer DISK_FULL at once while the store's disk has fewer free bytes than this, and are accepted"
                    + " again, without a restart, within 100 ms of space coming back; 0 = no reserve, a file that"
                    + " cannot be allocated still fails cleanly with DISK_FULL")
            .defaultText("-1 = `commitLogFileBytes` + 128 MiB")
            .allowedText("-1, 0–2^50");
    public static final ConfigKey<Long> DELETE_CHECK_INTERVAL_MS = ConfigKey.ofLong(
            "deleteCheckIntervalMs", "ms", 10_000, 10, 86_400_000,
            "how often retention looks for files to delete");
    public static final ConfigKey<Integer> DELETE_FILES_PER_RUN = ConfigKey.ofInt(
            "deleteFilesPerRun", "files", 10, 1, 10_000,
            "CommitLog files one retention run deletes at most");
    public static final ConfigKey<Boolean> WARM_MAPPED_FILES = ConfigKey.ofBoolean(
            "warmMappedFiles", true,
            "touch every page of a new CommitLog file ahead of the appender");
    public static final ConfigKey<Boolean> PREALLOCATE_NEXT_FILE = ConfigKey.ofBoolean(
            "preallocateNextFile", true,
            "create the next CommitLog file in the background while the current one fills");
    public static final ConfigKey<AppendLockType> APPEND_LOCK_TYPE = ConfigKey.ofEnum(
            "appendLockType", AppendLockType.class, AppendLockType.REENTRANT,
            "the CommitLog append lock: SPIN busy-waits (few appenders, short holds), REENTRANT parks");
    public static final ConfigKey<Boolean> KEY_INDEX_ENABLED = ConfigKey.ofBoolean(
            "keyIndexEnabled", true,
            "maintain the key index (queries by message key and unique key)");
    public static final ConfigKey<Integer> INDEX_HASH_SLOTS = ConfigKey.ofInt(
            "indexHashSlots", "slots", 500_000, 1, 100_000_000,
            "hash slots of one key index file");
    public static final ConfigKey<Integer> INDEX_MAX_ENTRIES_PER_FILE = ConfigKey.ofInt(
            "indexMaxEntriesPerFile", "entries", 2_000_000, 1, 100_000_000,
            "entries of one key index file");
    public static final ConfigKey<Integer> MAX_SCAN_ENTRIES_PER_GET = ConfigKey.ofInt(
            "maxScanEntriesPerGet", "entries", 16_000, 1, 10_000_000,
            "ConsumeQueue entries one read scans at most (tag filtering), so a read never runs unbounded");

    /** Not in {@link #TABLE}: a broker sets it from its own {@code maxMessageBytes}. */
    public static final ConfigKey<Integer> MAX_MESSAGE_BYTES = ConfigKey.ofInt(
            "maxMessageBytes", "bytes", StoreConfig.DEFAULT_MAX_MESSAGE_BYTES, 1, 256 * 1024 * 1024,
            "largest message body");

    /** The keys a broker's properties file may set for its store, in documentation order. */
    public static final ConfigTable<StoreConfig.Builder> TABLE = ConfigTable.<StoreConfig.Builder>builder("store")
            .key(COMMIT_LOG_FILE_BYTES, StoreConfig.Builder::commitLogFileBytes)
            .key(CONSUME_QUEUE_ENTRIES_PER_FILE, StoreConfig.Builder::consumeQueueEntriesPerFile)
            .key(FLUSH_INTERVAL_MS, StoreConfig.Builder::flushIntervalMs)
            .key(FLUSH_LEAST_PAGES, StoreConfig.Builder::flushLeastPages)
            .key(FLUSH_THOROUGH_INTERVAL_MS, StoreConfig.Builder::flushThoroughIntervalMs)
            .key(SYNC_FLUSH_TIMEOUT_MS, StoreConfig.Builder::syncFlushTimeoutMs)
            .key(FLUSH_CONSUME_QUEUE_INTERVAL_MS, StoreConfig.Builder::flushConsumeQueueIntervalMs)
            .key(FLUSH_CONSUME_QUEUE_LEAST_PAGES, StoreConfig.Builder::flushConsumeQueueLeastPages)
            .key(FLUSH_CONSUME_QUEUE_THOROUGH_INTERVAL_MS, StoreConfig.Builder::flushConsumeQueueThoroughIntervalMs)
            .key(RETENTION_HOURS, StoreConfig.Builder::retentionHours)
            .key(DISK_MAX_USED_RATIO, StoreConfig.Builder::diskMaxUsedRatio)
            .key(DISK_RESERVE_BYTES, StoreConfig.Builder::diskReserveBytes)
            .key(DELETE_CHECK_INTERVAL_MS, StoreConfig.Builder::deleteCheckIntervalMs)
            .key(DELETE_FILES_PER_RUN, StoreConfig.Builder::deleteFilesPerRun)
            .key(WARM_MAPPED_FILES, StoreConfig.Builder::warmMappedFiles)
            .key(PREALLOCATE_NEXT_FILE, StoreConfig.Builder::preallocateNextFile)
            .key(APPEND_LOCK_TYPE, StoreConfig.Builder::appendLockType)
            .key(KEY_INDEX_ENABLED, StoreConfig.Builder::keyIndexEnabled)
            .key(INDEX_HASH_SLOTS, StoreConfig.Builder::indexHashSlots)
            .key(INDEX_MAX_ENTRIES_PER_FILE, StoreConfig.Builder::indexMaxEntriesPerFile)
            .key(MAX_SCAN_ENTRIES_PER_GET, StoreConfig.Builder::maxScanEntriesPerGet)
            .build();

    private StoreConfigKeys() {
    }
}
