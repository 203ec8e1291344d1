package io.tidemq.store.queue;

import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.NoMessageAtOffsetException;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.StoredRecords;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.api.RecordDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Serves pulls: walks a ConsumeQueue from an offset, filters by tag hash, and reads the records from the
 * CommitLog (each CRC-checked), either decoded ({@link #getMessages}) or as the stored bytes
 * ({@link #readRecords}, what a pull sends). Stateless and thread-safe.
 */
public final class QueueMessageReader {

    private static final Logger log = LoggerFactory.getLogger(QueueMessageReader.class);
    private static final int ENTRIES_PER_READ = 256;

    private final ConsumeQueueStore queues;
    private final CommitLog commitLog;
    private final int maxScanEntries;

    public QueueMessageReader(ConsumeQueueStore queues, CommitLog commitLog, int maxScanEntries) {
        this.queues = queues;
        this.commitLog = commitLog;
        this.maxScanEntries = maxScanEntries;
    }

    /** The entries a read returns, chosen before any record is read, and where the next read starts. */
    private record Selection(GetStatus emptyStatus, long next, long min, long max, List<ConsumeQueue.Entry> entries,
                             long totalBytes) {
    }

    /**
     * Up to {@code maxCount} messages from {@code queueOffset}, at most {@code maxTotalBytes} of records (at
     * least one message is returned when any matches). Entries whose record is corrupt are skipped: reported
     * in the log and the {@code corruptReads} stat, never returned.
     *
     * @param tagsCodeFilter keeps entries whose tag hash it accepts; null keeps all
     */
    public GetResult getMessages(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                                 LongPredicate tagsCodeFilter) {
        Selection s = select(topic, queueId, queueOffset, maxCount, maxTotalBytes, tagsCodeFilter);
        if (s.entries == null) {
            return new GetResult(s.emptyStatus, s.next, s.min, s.max, List.of());
        }
        List<StoredMessage> found = new ArrayList<>(s.entries.size());
        for (ConsumeQueue.Entry entry : s.entries) {
            StoredMessage message = read(entry, topic, queueId);
            if (message != null) {
                found.add(message);
            }
        }
        return new GetResult(found.isEmpty() ? GetStatus.NO_MESSAGE : GetStatus.FOUND, s.next, s.min, s.max, found);
    }

    /**
     * Like {@link #getMessages}, but the records are copied as they are stored, back to back, instead of decoded:
     * one copy per record from the mapped file, made while the file is held.
     */
    public StoredRecords readRecords(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                                     LongPredicate tagsCodeFilter) {
        Selection s = select(topic, queueId, queueOffset, maxCount, maxTotalBytes, tagsCodeFilter);
        if (s.entries == null) {
            return StoredRecords.none(s.emptyStatus, s.next, s.min, s.max);
        }
        byte[] out = new byte[(int) s.totalBytes];
        long[] timestamps = new long[s.entries.size()];
        ByteBuffer outView = ByteBuffer.wrap(out);
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        int length = 0;
        int count = 0;
        for (ConsumeQueue.Entry entry : s.entries) {
            if (copy(entry, topic, topicBytes, queueId, out, outView, length)) {
                timestamps[count++] = outView.getLong(length + RecordDescriptor.STORE_TIMESTAMP_OFFSET);
                length += entry.size();
            }
        }
        if (count == 0) {
            return StoredRecords.none(GetStatus.NO_MESSAGE, s.next, s.min, s.max);
        }
        return new StoredRecords(GetStatus.FOUND, s.next, s.min, s.max, out, length, count, timestamps);
    }

    private Selection select(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                             LongPredicate tagsCodeFilter) {
        ConsumeQueue queue = queues.find(topic, queueId);
        if (queue == null) {
            GetStatus status = queueOffset == 0 ? GetStatus.NO_MESSAGE : GetStatus.OFFSET_TOO_BIG;
            return new Selection(status, 0, 0, 0, null, 0);
        }
        long min = queue.minOffset();
        long max = queue.maxOffset();
        if (queueOffset < min) {
            return new Selection(GetStatus.OFFSET_TOO_SMALL, min, min, max, null, 0);
        }
        if (queueOffset == max) {
            return new Selection(GetStatus.NO_MESSAGE, max, min, max, null, 0);
        }
        if (queueOffset > max) {
            return new Selection(GetStatus.OFFSET_TOO_BIG, max, min, max, null, 0);
        }
        List<ConsumeQueue.Entry> chosen = new ArrayList<>(Math.min(maxCount, 32));
        long totalBytes = 0;
        long next = queueOffset;
        int scanned = 0;
        long commitLogMin = commitLog.minOffset();
        outer:
        while (chosen.size() < maxCount && next < max && scanned < maxScanEntries) {
            List<ConsumeQueue.Entry> entries = queue.entries(next, Math.min(ENTRIES_PER_READ, maxScanEntries - scanned));
            if (entries.isEmpty()) {
                break;
            }
            for (ConsumeQueue.Entry entry : entries) {
                if (chosen.size() >= maxCount) {
                    break outer;
                }
                if (!chosen.isEmpty() && totalBytes + entry.size() > maxTotalBytes) {
                    break outer;
                }
                scanned++;
                next = entry.queueOffset() + 1;
                if (entry.isFiller() || entry.commitLogOffset() < commitLogMin
                        || (tagsCodeFilter != null && !tagsCodeFilter.test(entry.tagsCode()))) {
                    continue;
                }
                chosen.add(entry);
                totalBytes += entry.size();
            }
        }
        if (chosen.isEmpty() && next == queueOffset) {
            // the first entry points below the CommitLog minimum that retention just moved: ask again later
            return new Selection(GetStatus.OFFSET_TOO_SMALL, queue.minOffset(), queue.minOffset(), max, null, 0);
        }
        if (chosen.isEmpty()) {
            return new Selection(GetStatus.NO_MESSAGE, next, min, max, null, 0);
        }
        return new Selection(GetStatus.FOUND, next, min, max, chosen, totalBytes);
    }

    private StoredMessage read(ConsumeQueue.Entry entry, String topic, int queueId) {
        try {
            StoredMessage message = commitLog.read(entry.commitLogOffset());
            if (message.storeSizeBytes() != entry.size() || message.queueOffset() != entry.queueOffset()
                    || message.queueId() != queueId || !message.topic().equals(topic)) {
                log.error("{}-{}: ConsumeQueue entry {} points at a record of {}-{} offset {}; skipping it",
                        topic, queueId, entry, message.topic(), message.queueId(), message.queueOffset());
                return null;
            }
            return message;
        } catch (CorruptRecordException | NoMessageAtOffsetException e) {
            log.error("{}-{}: skipping queue offset {}: {}", topic, queueId, entry.queueOffset(), e.getMessage());
            return null;
        } catch (OffsetOutOfRangeException e) {
            return null;
        }
    }

    /**
     * Copies the entry's record to {@code out} at {@code at} when it is the record the entry names (same checks as
     * {@link #read}); a record of another size is never copied, so it cannot overrun the entry's room.
     */
    private boolean copy(ConsumeQueue.Entry entry, String topic, byte[] topicBytes, int queueId, byte[] out,
                         ByteBuffer outView, int at) {
        try {
            int length = commitLog.copyRecord(entry.commitLogOffset(), entry.size(), out, at);
            if (length != entry.size()) {
                log.error("{}-{}: ConsumeQueue entry {} points at a record of {} bytes; skipping it", topic, queueId,
                        entry, length);
                return false;
            }
            int bodyLength = outView.getInt(at + RecordDescriptor.BODY_LENGTH_OFFSET);
            int topicAt = at + RecordDescriptor.topicLengthOffset(bodyLength);
            if (outView.getLong(at + RecordDescriptor.QUEUE_OFFSET_OFFSET) != entry.queueOffset()
                    || outView.getInt(at + RecordDescriptor.QUEUE_ID_OFFSET) != queueId
                    || (out[topicAt] & 0xFF) != topicBytes.length
                    || !Arrays.equals(out, topicAt + 1, topicAt + 1 + topicBytes.length, topicBytes, 0,
                            topicBytes.length)) {
                log.error("{}-{}: ConsumeQueue entry {} points at a record of another queue; skipping it", topic,
                        queueId, entry);
                return false;
            }
            return true;
        } catch (CorruptRecordException | NoMessageAtOffsetException e) {
            log.error("{}-{}: skipping queue offset {}: {}", topic, queueId, entry.queueOffset(), e.getMessage());
            return false;
        } catch (OffsetOutOfRangeException e) {
            return false;
        }
    }
}
