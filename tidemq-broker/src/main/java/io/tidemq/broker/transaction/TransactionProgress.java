package io.tidemq.broker.transaction;

/**
 * How far the check service has finished, persisted in {@code <storePath>/config/transactionProgress.json}
 * like consumer offsets (atomically replaced). Losing it is safe, only slower: the service then re-reads more
 * of both topics.
 *
 * @param halfQueueOffset every half below this offset of the half queue is finished
 * @param boundaryOffset  every half below this CommitLog offset is finished (the same point, as a CommitLog
 *                        offset, which is what END_TRANSACTION names)
 * @param opQueueOffset   every op record below this offset of the op queue is about a finished half, so
 *                        recovery replays op records from here
 */
public record TransactionProgress(long halfQueueOffset, long boundaryOffset, long opQueueOffset) {

    public static final TransactionProgress START = new TransactionProgress(0, 0, 0);

    public TransactionProgress {
        if (halfQueueOffset < 0 || boundaryOffset < 0 || opQueueOffset < 0) {
            throw new IllegalArgumentException("transaction progress offsets must be >= 0, got " + halfQueueOffset
                    + "/" + boundaryOffset + "/" + opQueueOffset + "; fix or remove transactionProgress.json");
        }
    }
}
