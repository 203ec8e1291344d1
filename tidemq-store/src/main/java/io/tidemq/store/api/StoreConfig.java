package io.tidemq.store.api;

import io.tidemq.common.config.ConfigKey;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one message store. Immutable; {@link Builder#build()} validates every key and names the key and
 * its allowed range in the error. The keys, defaults and ranges are declared once, in {@link StoreConfigKeys}.
 */
public final class StoreConfig {

    public static final int DEFAULT_COMMIT_LOG_FILE_BYTES = 1 << 30;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** Room kept beyond the next CommitLog file by default: ConsumeQueue, key index and timer files, checkpoints. */
    public static final long DEFAULT_DISK_RESERVE_MARGIN_BYTES = 128L << 20;

    /** The OS page: file sizes are a multiple of it; mapped files flush and warm in these units. */
    public static final int OS_PAGE_BYTES = 4096;

    private final Path storePath;
    private final int commitLogFileBytes;
    private final int consumeQueueEntriesPerFile;
    private final FlushMode flushMode;
    private final long flushIntervalMs;
    private final int flushLeastPages;
    private final long flushThoroughIntervalMs;
    private final long syncFlushTimeoutMs;
    private final long flushConsumeQueueIntervalMs;
    private final int flushConsumeQueueLeastPages;
    private final long flushConsumeQueueThoroughIntervalMs;
    private final int retentionHours;
    private final double diskMaxUsedRatio;
    private final long diskReserveBytes;
    private final long deleteCheckIntervalMs;
    private final int deleteFilesPerRun;
    private final int maxMessageBytes;
    private final boolean warmMappedFiles;
    private final boolean preallocateNextFile;
    private final AppendLockType appendLockType;
    private final boolean keyIndexEnabled;
    private final int indexHashSlots;
    private final int indexMaxEntriesPerFile;
    private final int maxScanEntriesPerGet;
    private final FileIo fileIo;

    private StoreConfig(Builder b) {
        this.storePath = b.storePath;
        this.commitLogFileBytes = b.commitLogFileBytes;
        this.consumeQueueEntriesPerFile = b.consumeQueueEntriesPerFile;
        this.flushMode = b.flushMode;
        this.flushIntervalMs = b.flushIntervalMs;
        this.flushLeastPages = b.flushLeastPages;
        this.flushThoroughIntervalMs = b.flushThoroughIntervalMs;
        this.syncFlushTimeoutMs = b.syncFlushTimeoutMs;
        this.flushConsumeQueueIntervalMs = b.flushConsumeQueueIntervalMs;
        this.flushConsumeQueueLeastPages = b.flushConsumeQueueLeastPages;
        this.flushConsumeQueueThoroughIntervalMs = b.flushConsumeQueueThoroughIntervalMs;
        this.retentionHours = b.retentionHours;
        this.diskMaxUsedRatio = b.diskMaxUsedRatio;
        this.diskReserveBytes = b.diskReserveBytes >= 0 ? b.diskReserveBytes
                : b.commitLogFileBytes + DEFAULT_DISK_RESERVE_MARGIN_BYTES;
        this.deleteCheckIntervalMs = b.deleteCheckIntervalMs;
        this.deleteFilesPerRun = b.deleteFilesPerRun;
        this.maxMessageBytes = b.maxMessageBytes;
        this.warmMappedFiles = b.warmMappedFiles;
        this.preallocateNextFile = b.preallocateNextFile;
        this.appendLockType = b.appendLockType;
        this.keyIndexEnabled = b.keyIndexEnabled;
        this.indexHashSlots = b.indexHashSlots;
        this.indexMaxEntriesPerFile = b.indexMaxEntriesPerFile;
        this.maxScanEntriesPerGet = b.maxScanEntriesPerGet;
        this.fileIo = b.fileIo;
    }

    public static Builder builder(Path storePath) {
        return new Builder(storePath);
    }

    /** Root directory: commitlog/, consumequeue/, index/, checkpoint, abort, lock. */
    public Path storePath() {
        return storePath;
    }

    public Path commitLogDir() {
        return storePath.resolve("commitlog");
    }

    public Path consumeQueueDir() {
        return storePath.resolve("consumequeue");
    }

    public Path indexDir() {
        return storePath.resolve("index");
    }

    /** Size of each CommitLog file; default 1 GiB. */
    public int commitLogFileBytes() {
        return commitLogFileBytes;
    }

    /** Entries (20 bytes each) per ConsumeQueue file; default 300 000. */
    public int consumeQueueEntriesPerFile() {
        return consumeQueueEntriesPerFile;
    }

    public FlushMode flushMode() {
        return flushMode;
    }

    /** ASYNC mode: how often the flush thread wakes; default 500 ms. */
    public long flushIntervalMs() {
        return flushIntervalMs;
    }

    /** ASYNC mode: dirty OS pages needed before a periodic flush does work; default 4. */
    public int flushLeastPages() {
        return flushLeastPages;
    }

    /** ASYNC mode: at least this often everything dirty is flushed regardless of page count; default 10 s. */
    public long flushThoroughIntervalMs() {
        return flushThoroughIntervalMs;
    }

    /** SYNC mode: a put not durable after this long completes with SyncFlushTimeoutException; default 5 s. */
    public long syncFlushTimeoutMs() {
        return syncFlushTimeoutMs;
    }

    /** How often ConsumeQueues (and the key index) are flushed and the checkpoint written; default 1 s. */
    public long flushConsumeQueueIntervalMs() {
        return flushConsumeQueueIntervalMs;
    }

    /** Dirty pages a ConsumeQueue needs before a (not thorough) flush round msyncs it; default 2. */
    public int flushConsumeQueueLeastPages() {
        return flushConsumeQueueLeastPages;
    }

    /**
     * How often a flush round msyncs every ConsumeQueue whatever its dirty pages, and advances the checkpoint's
     * dispatched offset; default 10 s.
     */
    public long flushConsumeQueueThoroughIntervalMs() {
        return flushConsumeQueueThoroughIntervalMs;
    }

    /** CommitLog files last modified longer ago than this are deleted; default 72 h. */
    public int retentionHours() {
        return retentionHours;
    }

    /** Above this used/total ratio of the store's disk, the oldest files are deleted early; default 0.85. */
    public double diskMaxUsedRatio() {
        return diskMaxUsedRatio;
    }

    /**
     * Puts are refused with {@link DiskFullException} while the store's disk has fewer free bytes than this;
     * default one CommitLog file plus 128 MiB, so the next file can always be created whole. 0 = no reserve
     * (a file that cannot be allocated still fails cleanly with ENOSPC).
     */
    public long diskReserveBytes() {
        return diskReserveBytes;
    }

    /** How often retention runs; default 10 s. */
    public long deleteCheckIntervalMs() {
        return deleteCheckIntervalMs;
    }

    /** Most CommitLog files deleted per retention run, so deletion I/O comes in small steps; default 10. */
    public int deleteFilesPerRun() {
        return deleteFilesPerRun;
    }

    /** Largest message body accepted; default 4 MiB. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Touch every page of a new CommitLog file before use; default true. */
    public boolean warmMappedFiles() {
        return warmMappedFiles;
    }

    /** Create the next CommitLog file in the background; default true. */
    public boolean preallocateNextFile() {
        return preallocateNextFile;
    }

    /** The append lock; default chosen by CommitLogAppendBenchmark, see the storage docs. */
    public AppendLockType appendLockType() {
        return appendLockType;
    }

    /** Maintain the lookup-by-key index; default true. */
    public boolean keyIndexEnabled() {
        return keyIndexEnabled;
    }

    public int indexHashSlots() {
        return indexHashSlots;
    }

    public int indexMaxEntriesPerFile() {
        return indexMaxEntriesPerFile;
    }

    /** Most ConsumeQueue entries one getMessages call inspects (bounds the cost of tag filtering); default 16 000. */
    public int maxScanEntriesPerGet() {
        return maxScanEntriesPerGet;
    }

    /**
     * How CommitLog and ConsumeQueue files are allocated and forced. Not a configuration key: a test seam
     * ({@link FileIo#DEFAULT} unless a test injects failures or observes fsyncs).
     */
    public FileIo fileIo() {
        return fileIo;
    }

    /** Builds a validated {@link StoreConfig}. */
    public static final class Builder {
        private final Path storePath;
        private int commitLogFileBytes = StoreConfigKeys.COMMIT_LOG_FILE_BYTES.defaultValue();
        private int consumeQueueEntriesPerFile = StoreConfigKeys.CONSUME_QUEUE_ENTRIES_PER_FILE.defaultValue();
        private FlushMode flushMode = FlushMode.ASYNC;
        private long flushIntervalMs = StoreConfigKeys.FLUSH_INTERVAL_MS.defaultValue();
        private int flushLeastPages = StoreConfigKeys.FLUSH_LEAST_PAGES.defaultValue();
        private long flushThoroughIntervalMs = StoreConfigKeys.FLUSH_THOROUGH_INTERVAL_MS.defaultValue();
        private long syncFlushTimeoutMs = StoreConfigKeys.SYNC_FLUSH_TIMEOUT_MS.defaultValue();
        private long flushConsumeQueueIntervalMs = StoreConfigKeys.FLUSH_CONSUME_QUEUE_INTERVAL_MS.defaultValue();
        private int flushConsumeQueueLeastPages = StoreConfigKeys.FLUSH_CONSUME_QUEUE_LEAST_PAGES.defaultValue();
        private long flushConsumeQueueThoroughIntervalMs =
                StoreConfigKeys.FLUSH_CONSUME_QUEUE_THOROUGH_INTERVAL_MS.defaultValue();
        private int retentionHours = StoreConfigKeys.RETENTION_HOURS.defaultValue();
        private double diskMaxUsedRatio = StoreConfigKeys.DISK_MAX_USED_RATIO.defaultValue();
        private long diskReserveBytes = StoreConfigKeys.DISK_RESERVE_BYTES.defaultValue();
        private long deleteCheckIntervalMs = StoreConfigKeys.DELETE_CHECK_INTERVAL_MS.defaultValue();
        private int deleteFilesPerRun = StoreConfigKeys.DELETE_FILES_PER_RUN.defaultValue();
        private int maxMessageBytes = StoreConfigKeys.MAX_MESSAGE_BYTES.defaultValue();
        private boolean warmMappedFiles = StoreConfigKeys.WARM_MAPPED_FILES.defaultValue();
        private boolean preallocateNextFile = StoreConfigKeys.PREALLOCATE_NEXT_FILE.defaultValue();
        private AppendLockType appendLockType = StoreConfigKeys.APPEND_LOCK_TYPE.defaultValue();
        private boolean keyIndexEnabled = StoreConfigKeys.KEY_INDEX_ENABLED.defaultValue();
        private int indexHashSlots = StoreConfigKeys.INDEX_HASH_SLOTS.defaultValue();
        private int indexMaxEntriesPerFile = StoreConfigKeys.INDEX_MAX_ENTRIES_PER_FILE.defaultValue();
        private int maxScanEntriesPerGet = StoreConfigKeys.MAX_SCAN_ENTRIES_PER_GET.defaultValue();
        private FileIo fileIo = FileIo.DEFAULT;

        private Builder(Path storePath) {
            this.storePath = Objects.requireNonNull(storePath, "storePath");
        }

        public Builder commitLogFileBytes(int v) {
            commitLogFileBytes = v;
            return this;
        }

        public Builder consumeQueueEntriesPerFile(int v) {
            consumeQueueEntriesPerFile = v;
            return this;
        }

        public Builder flushMode(FlushMode v) {
            flushMode = Objects.requireNonNull(v, "flushMode");
            return this;
        }

        public Builder flushIntervalMs(long v) {
            flushIntervalMs = v;
            return this;
        }

        public Builder flushLeastPages(int v) {
            flushLeastPages = v;
            return this;
        }

        public Builder flushThoroughIntervalMs(long v) {
            flushThoroughIntervalMs = v;
            return this;
        }

        public Builder syncFlushTimeoutMs(long v) {
            syncFlushTimeoutMs = v;
            return this;
        }

        public Builder flushConsumeQueueIntervalMs(long v) {
            flushConsumeQueueIntervalMs = v;
            return this;
        }

        public Builder flushConsumeQueueLeastPages(int v) {
            flushConsumeQueueLeastPages = v;
            return this;
        }

        public Builder flushConsumeQueueThoroughIntervalMs(long v) {
            flushConsumeQueueThoroughIntervalMs = v;
            return this;
        }

        public Builder retentionHours(int v) {
            retentionHours = v;
            return this;
        }

        public Builder diskMaxUsedRatio(double v) {
            diskMaxUsedRatio = v;
            return this;
        }

        /** -1 (the default) = one CommitLog file plus 128 MiB. */
        public Builder diskReserveBytes(long v) {
            diskReserveBytes = v;
            return this;
        }

        public Builder deleteCheckIntervalMs(long v) {
            deleteCheckIntervalMs = v;
            return this;
        }

        public Builder deleteFilesPerRun(int v) {
            deleteFilesPerRun = v;
            return this;
        }

        public Builder maxMessageBytes(int v) {
            maxMessageBytes = v;
            return this;
        }

        public Builder warmMappedFiles(boolean v) {
            warmMappedFiles = v;
            return this;
        }

        public Builder preallocateNextFile(boolean v) {
            preallocateNextFile = v;
            return this;
        }

        public Builder appendLockType(AppendLockType v) {
            appendLockType = Objects.requireNonNull(v, "appendLockType");
            return this;
        }

        public Builder keyIndexEnabled(boolean v) {
            keyIndexEnabled = v;
            return this;
        }

        public Builder indexHashSlots(int v) {
            indexHashSlots = v;
            return this;
        }

        public Builder indexMaxEntriesPerFile(int v) {
            indexMaxEntriesPerFile = v;
            return this;
        }

        public Builder maxScanEntriesPerGet(int v) {
            maxScanEntriesPerGet = v;
            return this;
        }

        /** Test seam: see {@link StoreConfig#fileIo()}. */
        public Builder fileIo(FileIo v) {
            fileIo = Objects.requireNonNull(v, "fileIo");
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid key and its allowed range */
        public StoreConfig build() {
            check(StoreConfigKeys.COMMIT_LOG_FILE_BYTES, commitLogFileBytes);
            if (commitLogFileBytes % OS_PAGE_BYTES != 0) {
                throw new IllegalArgumentException("commitLogFileBytes must be a multiple of "
                        + OS_PAGE_BYTES + ", was " + commitLogFileBytes);
            }
            check(StoreConfigKeys.CONSUME_QUEUE_ENTRIES_PER_FILE, consumeQueueEntriesPerFile);
            check(StoreConfigKeys.FLUSH_INTERVAL_MS, flushIntervalMs);
            check(StoreConfigKeys.FLUSH_LEAST_PAGES, flushLeastPages);
            check(StoreConfigKeys.FLUSH_THOROUGH_INTERVAL_MS, flushThoroughIntervalMs);
            check(StoreConfigKeys.SYNC_FLUSH_TIMEOUT_MS, syncFlushTimeoutMs);
            check(StoreConfigKeys.FLUSH_CONSUME_QUEUE_INTERVAL_MS, flushConsumeQueueIntervalMs);
            check(StoreConfigKeys.FLUSH_CONSUME_QUEUE_LEAST_PAGES, flushConsumeQueueLeastPages);
            check(StoreConfigKeys.FLUSH_CONSUME_QUEUE_THOROUGH_INTERVAL_MS, flushConsumeQueueThoroughIntervalMs);
            check(StoreConfigKeys.RETENTION_HOURS, retentionHours);
            check(StoreConfigKeys.DISK_MAX_USED_RATIO, diskMaxUsedRatio);
            check(StoreConfigKeys.DISK_RESERVE_BYTES, diskReserveBytes);
            check(StoreConfigKeys.DELETE_CHECK_INTERVAL_MS, deleteCheckIntervalMs);
            check(StoreConfigKeys.DELETE_FILES_PER_RUN, deleteFilesPerRun);
            check(StoreConfigKeys.MAX_MESSAGE_BYTES, maxMessageBytes);
            long largestRecord = (long) maxMessageBytes + RecordDescriptor.MAX_RECORD_OVERHEAD
                    + RecordDescriptor.BLANK_MARKER_MIN_LENGTH;
            if (largestRecord > commitLogFileBytes) {
                throw new IllegalArgumentException("commitLogFileBytes (" + commitLogFileBytes + ") must hold the"
                        + " largest record: maxMessageBytes (" + maxMessageBytes + ") + "
                        + (RecordDescriptor.MAX_RECORD_OVERHEAD + RecordDescriptor.BLANK_MARKER_MIN_LENGTH)
                        + " bytes of header, topic and properties; raise commitLogFileBytes to at least "
                        + largestRecord + " or lower maxMessageBytes to at most "
                        + (commitLogFileBytes - RecordDescriptor.MAX_RECORD_OVERHEAD
                        - RecordDescriptor.BLANK_MARKER_MIN_LENGTH));
            }
            check(StoreConfigKeys.INDEX_HASH_SLOTS, indexHashSlots);
            check(StoreConfigKeys.INDEX_MAX_ENTRIES_PER_FILE, indexMaxEntriesPerFile);
            check(StoreConfigKeys.MAX_SCAN_ENTRIES_PER_GET, maxScanEntriesPerGet);
            return new StoreConfig(this);
        }

        private static void check(ConfigKey<?> key, long value) {
            key.check(value, IllegalArgumentException::new);
        }

        private static void check(ConfigKey<?> key, double value) {
            key.check(value, IllegalArgumentException::new);
        }
    }
}
