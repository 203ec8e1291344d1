package io.tidemq.store.api;

/**
 * A CommitLog record failed its CRC32C, magic or length check: the bytes on disk are not what was written.
 * Such a record is never served; restore the file from a replica or accept the loss of that record.
 */
public class CorruptRecordException extends StoreException {

    private final long physicalOffset;

    public CorruptRecordException(long physicalOffset, String reason) {
        super("corrupt CommitLog record at physical offset " + physicalOffset + ": " + reason
                + "; the record is not served (restore the file from a replica or accept its loss)");
        this.physicalOffset = physicalOffset;
    }

    public long physicalOffset() {
        return physicalOffset;
    }
}
