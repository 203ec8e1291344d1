package io.tidemq.store.ha;

/**
 * One entry of the epoch lineage: the master of {@code epoch} wrote its first record at CommitLog offset
 * {@code startOffset}. The epoch's data ends where the next entry starts (or at the log end for the last one).
 */
public record EpochEntry(int epoch, long startOffset) {

    public EpochEntry {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " and start offset " + startOffset
                    + " must not be negative");
        }
    }
}
