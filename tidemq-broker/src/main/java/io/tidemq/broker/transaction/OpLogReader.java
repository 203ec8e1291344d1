package io.tidemq.broker.transaction;

import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Reads the op topic forward and applies each record to the {@link DecisionTable}: decisions become final
 * entries, CHECK records restore check-back counts. Keeps the op records read since the persisted op offset
 * so that offset can move past records about halves below the check boundary.
 *
 * <p>Owned by one thread: recovery, then the check thread.
 */
final class OpLogReader {

    private static final Logger LOG = LoggerFactory.getLogger(OpLogReader.class);
    private static final int BATCH = 256;
    private static final long BATCH_BYTES = 4L << 20;
    /** At most this many unretired ranges are kept; past it, neighbouring ranges are merged. */
    static final int MAX_UNRETIRED_RANGES = 4_096;

    private final MessageStore store;
    private final DecisionTable table;
    /** Next op queue offset to read. */
    private long readOffset;
    /** Op queue offset below which every record is about a finished half. */
    private long retiredOffset;
    /**
     * Ranges of op records read but not retired, in queue order: (op queue offset of the range's first record,
     * the largest half CommitLog offset in the range). A range retires once the boundary passes that half. Merging
     * two neighbours keeps the first offset and the larger half, so a merged range retires no earlier than its
     * records would have: the bound costs only a longer replay after a restart.
     */
    private final ArrayDeque<long[]> unretired = new ArrayDeque<>();

    OpLogReader(MessageStore store, DecisionTable table) {
        this.store = store;
        this.table = table;
    }

    void reset(long opQueueOffset) {
        readOffset = opQueueOffset;
        retiredOffset = opQueueOffset;
        unretired.clear();
    }

    /** Reads every op record stored since the last call; returns how many were read. */
    int readNew() {
        int read = 0;
        while (true) {
            GetResult r = store.getMessages(TransactionTopics.OP_TOPIC, TransactionTopics.QUEUE_ID, readOffset, BATCH,
                    BATCH_BYTES, null);
            if (r.status() == GetStatus.OFFSET_TOO_SMALL) {
                // retention deleted records we had not read: they were about halves deleted with them
                readOffset = r.nextBeginOffset();
                continue;
            }
            if (r.status() == GetStatus.OFFSET_TOO_BIG) {
                // the persisted offset is past what the store kept (an ASYNC-flushed tail lost in a crash)
                LOG.warn("{} ends at {}, before the persisted read offset {}; reading on from its end",
                        TransactionTopics.OP_TOPIC, r.nextBeginOffset(), readOffset);
                readOffset = r.nextBeginOffset();
                return read;
            }
            if (r.messages().isEmpty()) {
                return read;
            }
            for (StoredMessage m : r.messages()) {
                apply(m);
                read++;
            }
            readOffset = r.nextBeginOffset();
        }
    }

    private void apply(StoredMessage m) {
        OpRecord op;
        try {
            op = OpRecord.from(m);
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping malformed record at offset {} of {}: {}", m.queueOffset(), TransactionTopics.OP_TOPIC,
                    e.getMessage());
            return;
        }
        if (op.type() == OpRecord.Type.CHECK) {
            table.recordCheckTimes(op.halfOffset(), op.checkTimes());
        } else {
            table.replayDecision(op.halfOffset(), op.decision());
        }
        unretired.addLast(new long[] {m.queueOffset(), op.halfOffset()});
        if (unretired.size() > MAX_UNRETIRED_RANGES) {
            halveUnretired();
        }
    }

    /** Merges neighbouring ranges pairwise. */
    private void halveUnretired() {
        ArrayDeque<long[]> merged = new ArrayDeque<>(MAX_UNRETIRED_RANGES);
        while (!unretired.isEmpty()) {
            long[] first = unretired.pollFirst();
            long[] second = unretired.pollFirst();
            merged.addLast(second == null ? first : new long[] {first[0], Math.max(first[1], second[1])});
        }
        unretired.addAll(merged);
    }

    /** How many unretired ranges are kept (tests). */
    int unretiredRanges() {
        return unretired.size();
    }

    /** Moves the retired offset past records about halves below {@code boundary}; returns it. */
    long retire(long boundary) {
        while (!unretired.isEmpty() && unretired.peekFirst()[1] < boundary) {
            retiredOffset = unretired.pollFirst()[0] + 1;
        }
        if (unretired.isEmpty()) {
            retiredOffset = readOffset;
        }
        return retiredOffset;
    }
}
