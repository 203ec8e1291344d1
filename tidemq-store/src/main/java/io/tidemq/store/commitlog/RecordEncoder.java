package io.tidemq.store.commitlog;

import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.file.AppendCallback;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

import static io.tidemq.store.api.RecordDescriptor.*;

/**
 * Writes one record, or one batch of records, straight into a mapped file, or a blank marker when they do not
 * fit. One instance per CommitLog, used only by the thread holding the append lock: its input and output
 * fields are therefore plain fields guarded by that lock, and appending allocates nothing.
 */
final class RecordEncoder implements AppendCallback {

    private final CRC32C crc = new CRC32C();

    // input, set under the append lock before each MappedFile.append
    private MessageRecord single;
    private List<MessageRecord> batch;
    private int totalLength;
    private long firstQueueOffset;
    private long storeTimestampMs;

    // output, read under the append lock after each MappedFile.append
    private boolean endOfFile;
    private long firstPhysicalOffset;

    void prepare(MessageRecord record, long queueOffset, long storeTimestampMs) {
        this.single = record;
        this.batch = null;
        this.totalLength = record.recordLength();
        this.firstQueueOffset = queueOffset;
        this.storeTimestampMs = storeTimestampMs;
    }

    void prepareBatch(List<MessageRecord> records, int totalLength, long firstQueueOffset, long storeTimestampMs) {
        this.single = null;
        this.batch = records;
        this.totalLength = totalLength;
        this.firstQueueOffset = firstQueueOffset;
        this.storeTimestampMs = storeTimestampMs;
    }

    /** Whether the last append wrote a blank marker instead of the records. */
    boolean endOfFile() {
        return endOfFile;
    }

    long firstPhysicalOffset() {
        return firstPhysicalOffset;
    }

    void clear() {
        single = null;
        batch = null;
    }

    @Override
    public int doAppend(ByteBuffer target, int position, int remainingBytes, long fileFromOffset) {
        if (totalLength + BLANK_MARKER_MIN_LENGTH > remainingBytes) {
            target.putInt(position + TOTAL_SIZE_OFFSET, remainingBytes);
            target.putInt(position + MAGIC_OFFSET, BLANK_MAGIC);
            endOfFile = true;
            return remainingBytes;
        }
        endOfFile = false;
        firstPhysicalOffset = fileFromOffset + position;
        if (single != null) {
            write(target, position, fileFromOffset + position, single, firstQueueOffset);
        } else {
            int at = position;
            long queueOffset = firstQueueOffset;
            for (int i = 0, n = batch.size(); i < n; i++) {
                MessageRecord record = batch.get(i);
                write(target, at, fileFromOffset + at, record, queueOffset++);
                at += record.recordLength();
            }
        }
        return totalLength;
    }

    private void write(ByteBuffer target, int at, long physicalOffset, MessageRecord record, long queueOffset) {
        int length = record.recordLength();
        int bodyLength = record.bodyLength();
        byte[] topic = record.topicBytes();
        byte[] properties = record.propertiesBytes();
        target.putInt(at + TOTAL_SIZE_OFFSET, length);
        target.putInt(at + MAGIC_OFFSET, MESSAGE_MAGIC);
        target.putInt(at + QUEUE_ID_OFFSET, record.queueId());
        target.putInt(at + FLAG_OFFSET, record.flag());
        target.putLong(at + QUEUE_OFFSET_OFFSET, queueOffset);
        target.putLong(at + PHYSICAL_OFFSET_OFFSET, physicalOffset);
        target.putInt(at + SYS_FLAG_OFFSET, record.sysFlag());
        target.putLong(at + BORN_TIMESTAMP_OFFSET, record.bornTimestampMs());
        target.putInt(at + BORN_HOST_OFFSET, record.bornHostIpv4());
        target.putInt(at + BORN_HOST_OFFSET + HOST_PORT_DELTA, record.bornHost().getPort());
        target.putLong(at + STORE_TIMESTAMP_OFFSET, storeTimestampMs);
        target.putInt(at + STORE_HOST_OFFSET, record.storeHostIpv4());
        target.putInt(at + STORE_HOST_OFFSET + HOST_PORT_DELTA, record.storeHost().getPort());
        target.putInt(at + RECONSUME_TIMES_OFFSET, record.reconsumeTimes());
        target.putLong(at + PREPARED_TX_OFFSET_OFFSET, record.preparedTransactionOffset());
        target.putInt(at + BODY_LENGTH_OFFSET, bodyLength);
        record.copyBodyTo(target, at + BODY_OFFSET);
        int topicAt = at + topicLengthOffset(bodyLength);
        target.put(topicAt, (byte) topic.length);
        target.put(topicAt + TOPIC_LENGTH_LENGTH, topic);
        int propertiesAt = at + propertiesLengthOffset(bodyLength, topic.length);
        target.putShort(propertiesAt, (short) properties.length);
        target.put(propertiesAt + PROPERTIES_LENGTH_LENGTH, properties);
        target.putInt(at + CRC_OFFSET, crc32c(target, at + CRC_COVERAGE_START, at + length));
    }

    private int crc32c(ByteBuffer target, int from, int to) {
        crc.reset();
        target.limit(to).position(from);
        crc.update(target);
        target.limit(target.capacity());
        return (int) crc.getValue();
    }
}
