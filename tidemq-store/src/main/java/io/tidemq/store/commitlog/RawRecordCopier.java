package io.tidemq.store.commitlog;

import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.file.AppendCallback;

import java.nio.ByteBuffer;

/**
 * Replication (slave side): copies a batch of raw CommitLog bytes from the master into the mapped file at the
 * same offsets, then verifies every record in place (magic, lengths, physical offset, CRC32C) with the file's
 * real geometry before the write position moves; a batch that fails is zeroed again and refused, so no reader
 * ever sees an unverified byte. A blank marker must fill the file exactly. Owned by the CommitLog, used under
 * its append lock only.
 */
final class RawRecordCopier implements AppendCallback {

    private final RecordReader reader = new RecordReader();
    // the batch being appended; set and cleared under the append lock
    private ByteBuffer batch;
    private String failure;

    void prepare(ByteBuffer source) {
        this.batch = source;
        this.failure = null;
    }

    /** Why the last append refused its batch, or null. */
    String failure() {
        return failure;
    }

    void clear() {
        batch = null;
    }

    @Override
    public int doAppend(ByteBuffer target, int position, int remainingBytes, long fileFromOffset) {
        int length = batch.remaining();
        if (length > remainingBytes) {
            failure = "a batch of " + length + " bytes does not fit in the " + remainingBytes
                    + " bytes left in the CommitLog file at offset " + (fileFromOffset + position)
                    + " (the master and this replica use different commitLogFileBytes?)";
            return 0;
        }
        ByteBuffer destination = target.duplicate();
        destination.position(position);
        destination.put(batch.duplicate());
        int at = position;
        int end = position + length;
        while (at < end) {
            int size = reader.check(target, at, fileFromOffset);
            if (size == RecordReader.BLANK && end == target.capacity()) {
                at = end;
            } else if (size > 0 && at + size <= end) {
                at += size;
            } else {
                failure = "record at offset " + (fileFromOffset + at) + " of the replicated batch is invalid: "
                        + (size == RecordReader.CORRUPT ? reader.lastCorruption()
                        : size == RecordReader.BLANK ? "a blank marker that does not end the file"
                        : size > 0 ? "it runs past the end of the batch" : "zeroes where a record should start");
                for (int i = position; i < end; i++) {
                    target.put(i, (byte) 0);
                }
                throw new CorruptRecordException(fileFromOffset + at, failure);
            }
        }
        return length;
    }
}
