package io.tidemq.store.commitlog;

import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageTooLargeException;
import io.tidemq.store.api.NoMessageAtOffsetException;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.PutStatus;
import io.tidemq.store.api.RecordDescriptor;
import io.tidemq.store.api.StoreClosedException;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.file.AllocateMappedFileService;
import io.tidemq.store.file.MappedFile;
import io.tidemq.store.file.MappedFileQueue;
import io.tidemq.store.metrics.StoreMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The single append-only log every topic writes to. Appends are serialized by one {@link AppendLock}; under it
 * the CommitLog assigns queue offsets and encodes records straight into the mapped file. Reads are lock-free
 * and verify every record's CRC32C before decoding it.
 *
 * <p>Flushing, dispatching and recovery live in their own classes; this class only appends, reads and scans.
 */
public final class CommitLog {

    private static final Logger log = LoggerFactory.getLogger(CommitLog.class);

    private final StoreConfig config;
    private final StoreMetrics metrics;
    private final MappedFileQueue files;
    private final AppendLock appendLock;
    /** Guarded by appendLock. */
    private final RecordEncoder encoder = new RecordEncoder();
    /** Guarded by appendLock. */
    private final RawRecordCopier rawCopier = new RawRecordCopier();
    /** Guarded by appendLock (filled by recovery before appends start). */
    private final TopicQueueTable topicQueueTable = new TopicQueueTable();
    /** Owned by whichever single thread scans: recovery, then the dispatch thread, then close. */
    private final RecordReader scanReader = new RecordReader();
    private final ThreadLocal<RecordReader> readers = ThreadLocal.withInitial(RecordReader::new);
    /** Set once under appendLock by closeAppends(); checked under it by every append. */
    private boolean appendsClosed;
    /** Most corrupt ranges remembered; beyond it the lowest (oldest) are forgotten, so the map stays bounded. */
    public static final int MAX_REMEMBERED_CORRUPT_RANGES = 4096;
    /**
     * Corrupt ranges already reported (start -> end), so each is logged and counted once. Concurrent (any reader
     * thread, the dispatch thread, recovery); bounded by {@link #MAX_REMEMBERED_CORRUPT_RANGES}.
     */
    private final ConcurrentSkipListMap<Long, Long> reportedCorruption = new ConcurrentSkipListMap<>();

    public CommitLog(StoreConfig config, StoreMetrics metrics, AllocateMappedFileService allocator) {
        this.config = config;
        this.metrics = metrics;
        this.files = new MappedFileQueue(config.commitLogDir(), config.commitLogFileBytes(), allocator,
                config.warmMappedFiles(), config.fileIo());
        this.appendLock = AppendLock.create(config.appendLockType());
    }

    /** Maps the existing files; {@code CommitLogRecovery} must run before appends. */
    public void load() {
        files.load();
    }

    public MappedFileQueue files() {
        return files;
    }

    /**
     * Appends one record and assigns its queue offset.
     *
     * @throws MessageTooLargeException body over {@code maxMessageBytes}
     * @throws io.tidemq.store.api.StoreIOException when a new file cannot be created
     */
    public PutResult append(MessageRecord record) {
        checkBodySize(record);
        appendLock.lock();
        try {
            checkOpen();
            long storeTimestampMs = System.currentTimeMillis();
            TopicQueueTable.Counter counter = topicQueueTable.counter(record.topic(), record.queueId());
            long queueOffset = counter.next;
            encoder.prepare(record, queueOffset, storeTimestampMs);
            appendPrepared(record.recordLength());
            counter.next = queueOffset + 1;
            metrics.appendedRecords.increment();
            metrics.appendedBytes.add(record.recordLength());
            return new PutResult(PutStatus.PUT_OK, encoder.firstPhysicalOffset(), queueOffset, 1,
                    record.recordLength(), storeTimestampMs, record.storeHostIpv4(), record.storeHost().getPort(),
                    null);
        } finally {
            encoder.clear();
            appendLock.unlock();
        }
    }

    /**
     * Appends records of one topic and queue contiguously, in one file, with consecutive queue offsets.
     *
     * @throws InvalidMessageException  empty batch or records of different topics/queues
     * @throws MessageTooLargeException a body over {@code maxMessageBytes} or a batch larger than a file
     */
    public PutResult appendBatch(List<MessageRecord> records) {
        if (records.isEmpty()) {
            throw new InvalidMessageException("a batch must hold at least one message");
        }
        MessageRecord first = records.get(0);
        long total = 0;
        for (MessageRecord record : records) {
            checkBodySize(record);
            if (record.queueId() != first.queueId() || !record.topic().equals(first.topic())) {
                throw new InvalidMessageException("a batch must go to one topic and queue: found " + record.topic()
                        + "/" + record.queueId() + " after " + first.topic() + "/" + first.queueId()
                        + "; split the batch per queue");
            }
            total += record.recordLength();
        }
        if (total + RecordDescriptor.BLANK_MARKER_MIN_LENGTH > config.commitLogFileBytes()) {
            throw new MessageTooLargeException("a batch of " + records.size() + " messages takes " + total
                    + " bytes, more than one CommitLog file (" + config.commitLogFileBytes() + "); send smaller batches");
        }
        int totalLength = (int) total;
        appendLock.lock();
        try {
            checkOpen();
            long storeTimestampMs = System.currentTimeMillis();
            TopicQueueTable.Counter counter = topicQueueTable.counter(first.topic(), first.queueId());
            long queueOffset = counter.next;
            encoder.prepareBatch(records, totalLength, queueOffset, storeTimestampMs);
            appendPrepared(totalLength);
            counter.next = queueOffset + records.size();
            metrics.appendedRecords.add(records.size());
            metrics.appendedBytes.add(totalLength);
            long[] offsets = new long[records.size()];
            long at = encoder.firstPhysicalOffset();
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = at;
                at += records.get(i).recordLength();
            }
            return new PutResult(PutStatus.PUT_OK, offsets[0], queueOffset, records.size(), totalLength,
                    storeTimestampMs, first.storeHostIpv4(), first.storeHost().getPort(), offsets);
        } finally {
            encoder.clear();
            appendLock.unlock();
        }
    }

    private void checkOpen() {
        if (appendsClosed) {
            throw new StoreClosedException("the CommitLog is shutting down; send to another broker or retry later");
        }
        FsyncFailedException failed = files.flushFailure();
        if (failed != null) {
            throw new FsyncFailedException("this broker's CommitLog refuses writes after a failed fsync; send to"
                    + " another broker. " + failed.getMessage(), failed);
        }
    }

    /**
     * Replication (slave): appends {@code batch}, raw CommitLog bytes copied from the master, at offset
     * {@code expectedOffset}, which must be this log's end (or, for an empty log, a file boundary). Every
     * record is verified in place before it becomes visible (see {@link RawRecordCopier}); the batch must not
     * cross a file end except through a blank marker that ends it. Queue offsets are not counted here: the
     * next-offset table is rebuilt from the ConsumeQueues when this replica starts or its log is truncated.
     *
     * @return the new end of the log
     * @throws ReplicaOffsetMismatchException when {@code expectedOffset} is not the end of this log
     * @throws CorruptRecordException         when a record of the batch fails verification (nothing is appended)
     */
    public long appendRaw(long expectedOffset, ByteBuffer batch) {
        appendLock.lock();
        try {
            checkOpen();
            long end = files.maxOffset();
            boolean empty = files.isEmpty();
            if (empty ? expectedOffset % config.commitLogFileBytes() != 0 : expectedOffset != end) {
                throw new ReplicaOffsetMismatchException(expectedOffset, end, empty);
            }
            if (!batch.hasRemaining()) {
                return end;
            }
            MappedFile file = files.lastFileForAppend(expectedOffset);
            file.ensureAllocated(file.wrotePosition() + batch.remaining());
            rawCopier.prepare(batch);
            if (file.append(rawCopier) == 0) {
                throw new CorruptRecordException(expectedOffset, rawCopier.failure());
            }
            return files.maxOffset();
        } finally {
            rawCopier.clear();
            appendLock.unlock();
        }
    }

    /**
     * Replication: copies raw bytes of whole records (and a blank marker that ends a file) starting at
     * {@code from}, at most {@code maxBytes} unless the first record alone is larger, never past {@code limit}
     * and never across a file. Bytes are those of the mapped file, not re-encoded.
     *
     * @return the bytes, empty when nothing complete is available below {@code limit}
     * @throws OffsetOutOfRangeException when {@code from} is no longer (or not yet) held
     */
    public byte[] readRaw(long from, int maxBytes, long limit) {
        if (from >= limit) {
            return new byte[0];
        }
        MappedFile file = files.findByOffset(from);
        if (file == null || !file.hold()) {
            throw outOfRange(from);
        }
        try {
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            int start = (int) (from - file.fileFromOffset());
            int fileLimit = (int) Math.min(file.fileSizeBytes(), limit - file.fileFromOffset());
            int at = start;
            while (at + RecordDescriptor.BLANK_MARKER_MIN_LENGTH <= fileLimit) {
                int size = view.getInt(at + RecordDescriptor.TOTAL_SIZE_OFFSET);
                int magic = view.getInt(at + RecordDescriptor.MAGIC_OFFSET);
                if (magic == RecordDescriptor.BLANK_MAGIC) {
                    if (fileLimit == file.fileSizeBytes()) {
                        at = fileLimit;
                    }
                    break;
                }
                if (magic != RecordDescriptor.MESSAGE_MAGIC || size <= 0 || at + size > fileLimit
                        || (at > start && at + size - start > maxBytes)) {
                    break;
                }
                at += size;
            }
            byte[] out = new byte[at - start];
            view.get(start, out);
            return out;
        } finally {
            file.release();
        }
    }

    /**
     * Replication: makes {@code offset} the end of the log (see {@code MappedFileQueue#truncateDirty}); the
     * caller keeps everything derived from the log consistent ({@code io.tidemq.store.ha.ReplicaLog}). Also
     * forgets every queue's next offset: {@link #setNextQueueOffset} sets them again from the ConsumeQueues.
     */
    public void truncateTo(long offset) {
        appendLock.lock();
        try {
            files.truncateDirty(offset);
            topicQueueTable.clear();
        } finally {
            appendLock.unlock();
        }
    }

    /** The failed fsync that stopped the CommitLog (fail-stop), or null while every fsync succeeded. */
    public FsyncFailedException flushFailure() {
        return files.flushFailure();
    }

    /**
     * Refuses every later append. Once this returns no thread is writing, so the files can be flushed and
     * unmapped safely.
     */
    public void closeAppends() {
        appendLock.lock();
        try {
            appendsClosed = true;
        } finally {
            appendLock.unlock();
        }
    }

    /** Appends what the encoder was prepared with, rolling once if the current file is too full. */
    private void appendPrepared(int length) {
        MappedFile file = files.lastFileForAppend(0);
        ensureAllocated(file, length);
        file.append(encoder);
        if (encoder.endOfFile()) {
            file = files.lastFileForAppend(0);
            ensureAllocated(file, length);
            file.append(encoder);
            if (encoder.endOfFile()) {
                throw new MessageTooLargeException(length + " bytes do not fit in an empty CommitLog file of "
                        + config.commitLogFileBytes() + " bytes");
            }
        }
    }

    /** The record, or the blank marker written instead when it does not fit, lands on allocated blocks only. */
    private static void ensureAllocated(MappedFile file, int length) {
        file.ensureAllocated(file.wrotePosition() + length + RecordDescriptor.BLANK_MARKER_MIN_LENGTH);
    }

    private void checkBodySize(MessageRecord record) {
        if (record.bodyLength() > config.maxMessageBytes()) {
            throw new MessageTooLargeException("message body of " + record.bodyLength() + " bytes to topic "
                    + record.topic() + " exceeds maxMessageBytes=" + config.maxMessageBytes()
                    + "; send a smaller body or raise maxMessageBytes");
        }
    }

    /**
     * Reads and verifies the record starting at {@code physicalOffset}.
     *
     * @throws OffsetOutOfRangeException when the offset was deleted or is not yet written
     * @throws CorruptRecordException    when no valid record starts there
     */
    public StoredMessage read(long physicalOffset) {
        MappedFile file = fileOrThrow(physicalOffset);
        if (!file.hold()) {
            throw outOfRange(physicalOffset);
        }
        try {
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            int position = (int) (physicalOffset - file.fileFromOffset());
            checkedRecordLength(view, position, file.fileFromOffset(), physicalOffset);
            return RecordReader.decode(view, position);
        } finally {
            file.release();
        }
    }

    /**
     * Verifies the record starting at {@code physicalOffset} like {@link #read} and copies its bytes, as stored,
     * to {@code out} at {@code outPosition}: the one copy a pull makes of a record (docs/protocol.md, PULL_MESSAGE).
     * The copy is taken while the file is held, so no byte of the mapping is touched after retention unmaps it.
     * A record whose length is not {@code expectedLength} (a ConsumeQueue entry that points elsewhere) is not copied.
     *
     * @return the record's length: when it is not {@code expectedLength}, nothing was copied
     * @throws OffsetOutOfRangeException when the offset was deleted or is not yet written
     * @throws CorruptRecordException    when no valid record starts there
     * @throws IndexOutOfBoundsException when {@code expectedLength} bytes do not fit in {@code out} from there
     */
    public int copyRecord(long physicalOffset, int expectedLength, byte[] out, int outPosition) {
        MappedFile file = fileOrThrow(physicalOffset);
        if (!file.hold()) {
            throw outOfRange(physicalOffset);
        }
        try {
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            int position = (int) (physicalOffset - file.fileFromOffset());
            int size = checkedRecordLength(view, position, file.fileFromOffset(), physicalOffset);
            if (size == expectedLength) {
                view.get(position, out, outPosition, size);
            }
            return size;
        } finally {
            file.release();
        }
    }

    /** The CRC-checked length of the record at {@code position} of a held file's view, or the read's exception. */
    private int checkedRecordLength(ByteBuffer view, int position, long fileFromOffset, long physicalOffset) {
        RecordReader reader = readers.get();
        int size = reader.check(view, position, fileFromOffset);
        if (size <= 0) {
            if (size != RecordReader.CORRUPT || !RecordReader.looksLikeRecordStart(view, position, fileFromOffset)) {
                // a wrong offset (a client's message id, a send-back offset), not damaged data
                String what = size == RecordReader.BLANK ? "an end-of-file blank marker is there"
                        : size == RecordReader.END_OF_DATA ? "no record was written there"
                        : "the bytes there are not a record header";
                throw new NoMessageAtOffsetException(physicalOffset, minOffset(), maxOffset(), what);
            }
            metrics.corruptReads.increment();
            String reason = reader.lastCorruption();
            reportCorruption(physicalOffset, physicalOffset + 1, reason);
            throw new CorruptRecordException(physicalOffset, reason);
        }
        return size;
    }

    /** The store timestamp of the record at {@code physicalOffset} (magic check only), or -1 if unreadable. */
    public long readStoreTimestamp(long physicalOffset) {
        MappedFile file = files.findByOffset(physicalOffset);
        if (file == null || physicalOffset >= maxOffset() || !file.hold()) {
            return -1;
        }
        try {
            int position = (int) (physicalOffset - file.fileFromOffset());
            return RecordReader.storeTimestampOrMinusOne(file.sliceForRead(0, file.fileSizeBytes()), position);
        } finally {
            file.release();
        }
    }

    private MappedFile fileOrThrow(long physicalOffset) {
        long max = maxOffset();
        if (physicalOffset < 0 || physicalOffset >= max) {
            throw outOfRange(physicalOffset);
        }
        if (config.flushMode() == FlushMode.SYNC && physicalOffset >= files.flushedWhere()) {
            // SYNC promises that whatever is served is durable: a record not yet fsynced is not there yet
            throw new NoMessageAtOffsetException(physicalOffset, minOffset(), max,
                    "the record there is not durable yet (SYNC flush); retry in a moment");
        }
        MappedFile file = files.findByOffset(physicalOffset);
        if (file == null) {
            throw outOfRange(physicalOffset);
        }
        return file;
    }

    private OffsetOutOfRangeException outOfRange(long physicalOffset) {
        return new OffsetOutOfRangeException("CommitLog physical", physicalOffset, minOffset(), maxOffset());
    }

    /**
     * Visits every valid record in {@code [from, limit)}, skipping blank markers. Corrupt bytes are reported
     * (logged and counted once) and skipped to the next valid record. Called by one scanning thread at a time.
     *
     * @return the offset reached: {@code limit}, or less when a file is missing or the end of data is reached
     */
    public long scan(long from, long limit, RecordVisitor visitor) {
        long offset = Math.max(from, minOffset());
        while (offset < limit) {
            MappedFile file = files.findByOffset(offset);
            if (file == null || !file.hold()) {
                return offset;
            }
            try {
                long fileFrom = file.fileFromOffset();
                ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
                int fileSize = file.fileSizeBytes();
                int fileLimit = (int) Math.min(fileSize, limit - fileFrom);
                int position = (int) (offset - fileFrom);
                while (position < fileLimit) {
                    int size = scanReader.check(view, position, fileFrom);
                    if (size > 0) {
                        visitor.onRecord(view, position, size);
                        position += size;
                    } else if (size == RecordReader.BLANK) {
                        position = fileSize;
                    } else {
                        String reason = size == RecordReader.CORRUPT ? scanReader.lastCorruption()
                                : "zeroes inside written data (a hole)";
                        int next = scanReader.resync(view, position + 1, fileLimit, fileFrom);
                        int corruptEnd = next < 0 ? fileLimit : next;
                        reportCorruption(fileFrom + position, fileFrom + corruptEnd, reason);
                        position = next < 0 ? (fileLimit == fileSize ? fileSize : fileLimit) : next;
                    }
                }
                offset = fileFrom + position;
                if (position < fileSize) {
                    return offset;
                }
            } finally {
                file.release();
            }
        }
        return offset;
    }

    /** Logs and counts a corrupt range the first time it is seen. Reads of it keep throwing. */
    public void reportCorruption(long fromOffset, long toOffset, String reason) {
        if (reportedCorruption.putIfAbsent(fromOffset, toOffset) == null) {
            while (reportedCorruption.size() > MAX_REMEMBERED_CORRUPT_RANGES) {
                reportedCorruption.pollFirstEntry();
            }
            metrics.corruptRecords.increment();
            log.error("CORRUPT CommitLog data at physical offsets [{}, {}) ({} bytes): {}. These records are not"
                    + " served; restore the file from a replica if they matter.", fromOffset, toOffset,
                    toOffset - fromOffset, reason);
        }
    }

    /** How many reported corrupt ranges are remembered (tests). */
    int rememberedCorruptRanges() {
        return reportedCorruption.size();
    }

    /**
     * Sets the next queue offset of a queue: at recovery (before appends start), and to restart a deleted
     * topic's queues (under the append lock, so safe while appends run).
     */
    public void setNextQueueOffset(String topic, int queueId, long nextOffset) {
        appendLock.lock();
        try {
            topicQueueTable.set(topic, queueId, nextOffset);
        } finally {
            appendLock.unlock();
        }
    }

    /** The next queue offset the CommitLog will assign in a queue. */
    public long nextQueueOffset(String topic, int queueId) {
        appendLock.lock();
        try {
            return topicQueueTable.peek(topic, queueId);
        } finally {
            appendLock.unlock();
        }
    }

    public long minOffset() {
        return files.minOffset();
    }

    public long maxOffset() {
        return files.maxOffset();
    }

    public long flushedOffset() {
        return files.flushedWhere();
    }

    public int fileSizeBytes() {
        return config.commitLogFileBytes();
    }

    /** Unmaps the files (store shutdown, after the last flush). */
    public void shutdown() {
        files.shutdown();
    }
}
