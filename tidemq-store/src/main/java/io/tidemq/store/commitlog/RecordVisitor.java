package io.tidemq.store.commitlog;

import java.nio.ByteBuffer;

/** Receives each valid record of a CommitLog scan. */
@FunctionalInterface
public interface RecordVisitor {

    /**
     * @param file     private view of the whole file holding the record; valid only during the call
     * @param position the record's first byte within {@code file}
     * @param size     the record's total length
     */
    void onRecord(ByteBuffer file, int position, int size);
}
