package io.tidemq.store.queue;

import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.NoMessageAtOffsetException;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.commitlog.CommitLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Serves pulls: walks a ConsumeQueue from an offset, filters by tag hash, and reads the records from the
 * CommitLog (each CRC-checked). Stateless and thread-safe.
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

    /**
     * Up to {@code maxCount} messages from {@code queueOffset}, at most {@code maxTotalBytes} of records (at
     * least one message is returned when any matches). Entries whose record is corrupt are skipped: reported
     * in the log and the {@code corruptReads} stat, never returned.
     *
     * @param tagsCodeFilter keeps entries whose tag hash it accepts; null keeps all
     */
    public GetResult getMessages(String topic, int queueId, long queueOffset, int maxCount, long maxTotalBytes,
                                 LongPredicate tagsCodeFilter) {
        ConsumeQueue queue = queues.find(topic, queueId);
        if (queue == null) {
            GetStatus status = queueOffset == 0 ? GetStatus.NO_MESSAGE : GetStatus.OFFSET_TOO_BIG;
            return new GetResult(status, 0, 0, 0, List.of());
        }
        long min = queue.minOffset();
        long max = queue.maxOffset();
        if (queueOffset < min) {
            return new GetResult(GetStatus.OFFSET_TOO_SMALL, min, min, max, List.of());
        }
        if (queueOffset == max) {
            return new GetResult(GetStatus.NO_MESSAGE, max, min, max, List.of());
        }
        if (queueOffset > max) {
            return new GetResult(GetStatus.OFFSET_TOO_BIG, max, min, max, List.of());
        }
        List<StoredMessage> found = new ArrayList<>(Math.min(maxCount, 32));
        long totalBytes = 0;
        long next = queueOffset;
        int scanned = 0;
        long commitLogMin = commitLog.minOffset();
        outer:
        while (found.size() < maxCount && next < max && scanned < maxScanEntries) {
            List<ConsumeQueue.Entry> entries = queue.entries(next, Math.min(ENTRIES_PER_READ, maxScanEntries - scanned));
            if (entries.isEmpty()) {
                break;
            }
            for (ConsumeQueue.Entry entry : entries) {
                if (found.size() >= maxCount) {
                    break outer;
                }
                if (!found.isEmpty() && totalBytes + entry.size() > maxTotalBytes) {
                    break outer;
                }
                scanned++;
                next = entry.queueOffset() + 1;
                if (entry.isFiller() || entry.commitLogOffset() < commitLogMin
                        || (tagsCodeFilter != null && !tagsCodeFilter.test(entry.tagsCode()))) {
                    continue;
                }
                StoredMessage message = read(entry, topic, queueId);
                if (message != null) {
                    found.add(message);
                    totalBytes += entry.size();
                }
            }
        }
        if (found.isEmpty() && next == queueOffset) {
            // the first entry points below the CommitLog minimum that retention just moved: ask again later
            return new GetResult(GetStatus.OFFSET_TOO_SMALL, queue.minOffset(), queue.minOffset(), max, List.of());
        }
        return new GetResult(found.isEmpty() ? GetStatus.NO_MESSAGE : GetStatus.FOUND, next, min, max, found);
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
}
