package io.tidemq.store.api;

import io.tidemq.common.message.MessageId;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a put landed. For a batch, offsets are those of the first record; the records follow contiguously
 * with consecutive queue offsets. Message ids are computed on demand (most callers of the hot path never
 * ask).
 */
public final class PutResult {

    private final PutStatus status;
    private final long physicalOffset;
    private final long queueOffset;
    private final int storedCount;
    private final int wroteBytes;
    private final long storeTimestampMs;
    private final int storeHostIpv4;
    private final int storePort;
    /** Physical offset of each record of a batch; null for a single record. */
    private final long[] batchPhysicalOffsets;

    public PutResult(PutStatus status, long physicalOffset, long queueOffset, int storedCount, int wroteBytes,
                     long storeTimestampMs, int storeHostIpv4, int storePort, long[] batchPhysicalOffsets) {
        this.status = status;
        this.physicalOffset = physicalOffset;
        this.queueOffset = queueOffset;
        this.storedCount = storedCount;
        this.wroteBytes = wroteBytes;
        this.storeTimestampMs = storeTimestampMs;
        this.storeHostIpv4 = storeHostIpv4;
        this.storePort = storePort;
        this.batchPhysicalOffsets = batchPhysicalOffsets;
    }

    public PutStatus status() {
        return status;
    }

    /** Physical offset of the (first) record. */
    public long physicalOffset() {
        return physicalOffset;
    }

    /** Queue offset of the (first) record. */
    public long queueOffset() {
        return queueOffset;
    }

    public int storedCount() {
        return storedCount;
    }

    /** Bytes appended to the CommitLog for these records. */
    public int wroteBytes() {
        return wroteBytes;
    }

    /** Physical offset one past the last byte of these records. */
    public long endOffset() {
        return physicalOffset + wroteBytes;
    }

    public long storeTimestampMs() {
        return storeTimestampMs;
    }

    /** Id of the (first) record. */
    public String msgId() {
        return MessageId.encode(storeHostIpv4, storePort, physicalOffset);
    }

    /** Ids of every record, in order. */
    public List<String> msgIds() {
        if (batchPhysicalOffsets == null) {
            return Collections.singletonList(msgId());
        }
        List<String> ids = new ArrayList<>(batchPhysicalOffsets.length);
        for (long offset : batchPhysicalOffsets) {
            ids.add(MessageId.encode(storeHostIpv4, storePort, offset));
        }
        return ids;
    }

    /** Physical offset of every record, in order. */
    public long[] physicalOffsets() {
        return batchPhysicalOffsets == null ? new long[] {physicalOffset} : batchPhysicalOffsets.clone();
    }

    @Override
    public String toString() {
        return "PutResult[" + status + ", physicalOffset=" + physicalOffset + ", queueOffset=" + queueOffset
                + ", storedCount=" + storedCount + "]";
    }
}
