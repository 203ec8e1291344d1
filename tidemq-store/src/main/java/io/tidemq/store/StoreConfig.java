package io.tidemq.store;

import io.tidemq.store.commitlog.AppendLock;
import io.tidemq.store.commitlog.RecordDescriptor;
import io.tidemq.store.file.FileIo;
import io.tidemq.store.file.MappedFile;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one message store. Immutable; {@link Builder#build()} validates every key and names the key and
 * its allowed range in the error.
 */
public final class StoreConfig {

    public static final int DEFAULT_COMMIT_LOG_FILE_BYTES = 1 << 30;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** Room kept beyond the next CommitLog file by default: ConsumeQueue, key index and timer files, checkpoints. */
    public static final long DEFAULT_DISK_RESERVE_MARGIN_BYTES = 128L << 20;

    private final Path storePath;
    private final int commitLogFileBytes;
    private final int consumeQueueEntriesPerFile;
    private final FlushMode flushMode;
    private final long flushIntervalMs;
    private final int flushLeastPages;
    private final long flushThoroughIntervalMs;
    private final long syncFlushTimeoutMs;
    private final long flushConsumeQueueIntervalMs;
    private final int retentionHours;
    private final double diskMaxUsedRatio;
    private final long diskReserveBytes;
    private final long deleteCheckIntervalMs;
    private final int deleteFilesPerRun;
    private final int maxMessageBytes;
    private final boolean warmMappedFiles;
    private final boolean preallocateNextFile;
    private final AppendLock.Type appendLockType;
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
    public AppendLock.Type appendLockType() {
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
        private int commitLogFileBytes = DEFAULT_COMMIT_LOG_FILE_BYTES;
        private int consumeQueueEntriesPerFile = 300_000;
        private FlushMode flushMode = FlushMode.ASYNC;
        private long flushIntervalMs = 500;
        private int flushLeastPages = 4;
        private long flushThoroughIntervalMs = 10_000;
        private long syncFlushTimeoutMs = 5_000;
        private long flushConsumeQueueIntervalMs = 1_000;
        private int retentionHours = 72;
        private double diskMaxUsedRatio = 0.85;
        private long diskReserveBytes = -1;
        private long deleteCheckIntervalMs = 10_000;
        private int deleteFilesPerRun = 10;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private boolean warmMappedFiles = true;
        private boolean preallocateNextFile = true;
        private AppendLock.Type appendLockType = AppendLock.Type.REENTRANT;
        private boolean keyIndexEnabled = true;
        private int indexHashSlots = 500_000;
        private int indexMaxEntriesPerFile = 2_000_000;
        private int maxScanEntriesPerGet = 16_000;
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

        public Builder appendLockType(AppendLock.Type v) {
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
            check("commitLogFileBytes", commitLogFileBytes, 64 * 1024, Integer.MAX_VALUE);
            if (commitLogFileBytes % MappedFile.OS_PAGE_BYTES != 0) {
                throw new IllegalArgumentException("commitLogFileBytes must be a multiple of "
                        + MappedFile.OS_PAGE_BYTES + ", was " + commitLogFileBytes);
            }
            check("consumeQueueEntriesPerFile", consumeQueueEntriesPerFile, 16, 50_000_000);
            check("flushIntervalMs", flushIntervalMs, 1, 60_000);
            check("flushLeastPages", flushLeastPages, 0, 1_000_000);
            check("flushThoroughIntervalMs", flushThoroughIntervalMs, 1, 3_600_000);
            check("syncFlushTimeoutMs", syncFlushTimeoutMs, 1, 600_000);
            check("flushConsumeQueueIntervalMs", flushConsumeQueueIntervalMs, 1, 60_000);
            check("retentionHours", retentionHours, 1, 24 * 365 * 10);
            if (!(diskMaxUsedRatio >= 0.10 && diskMaxUsedRatio <= 0.99)) {
                throw new IllegalArgumentException("diskMaxUsedRatio must be in [0.10, 0.99], was " + diskMaxUsedRatio);
            }
            check("diskReserveBytes", diskReserveBytes, -1, 1L << 50);
            check("deleteCheckIntervalMs", deleteCheckIntervalMs, 10, 86_400_000);
            check("deleteFilesPerRun", deleteFilesPerRun, 1, 10_000);
            check("maxMessageBytes", maxMessageBytes, 1, 256 * 1024 * 1024);
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
            check("indexHashSlots", indexHashSlots, 1, 100_000_000);
            check("indexMaxEntriesPerFile", indexMaxEntriesPerFile, 1, 100_000_000);
            check("maxScanEntriesPerGet", maxScanEntriesPerGet, 1, 10_000_000);
            return new StoreConfig(this);
        }

        private static void check(String key, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], was " + value);
            }
        }
    }
}
