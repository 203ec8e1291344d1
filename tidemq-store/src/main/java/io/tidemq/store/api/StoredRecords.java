package io.tidemq.store.api;

/**
 * Answer to {@link MessageStore#readRecords}: the CRC-checked CommitLog records of the messages found, copied
 * back to back as they are stored (the storage format's record layout, docs/storage-format.md), which is the body
 * of a PULL_MESSAGE response. Immutable by contract: nobody writes {@link #bytes()} after the store returned it.
 *
 * @param status            see {@link GetStatus}
 * @param nextBeginOffset   the queue offset to ask for next
 * @param minOffset         the queue's smallest readable offset
 * @param maxOffset         one past the queue's last offset
 * @param bytes             the records, {@code length} bytes of it used (empty unless FOUND)
 * @param length            bytes of records in {@code bytes}
 * @param count             number of records
 * @param storeTimestampsMs the store timestamp of each record, in order ({@code count} of them used)
 */
public record StoredRecords(GetStatus status, long nextBeginOffset, long minOffset, long maxOffset, byte[] bytes,
                            int length, int count, long[] storeTimestampsMs) {

    private static final byte[] NO_BYTES = new byte[0];
    private static final long[] NO_TIMESTAMPS = new long[0];

    /** A result without records. */
    public static StoredRecords none(GetStatus status, long nextBeginOffset, long minOffset, long maxOffset) {
        return new StoredRecords(status, nextBeginOffset, minOffset, maxOffset, NO_BYTES, 0, 0, NO_TIMESTAMPS);
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
