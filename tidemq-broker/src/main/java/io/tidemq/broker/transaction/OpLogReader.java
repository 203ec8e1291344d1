package io.tidemq.broker.transaction;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.GetResult;
import io.tidemq.store.GetStatus;
import io.tidemq.store.StoredMessage;
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

    private final DefaultMessageStore store;
    private final DecisionTable table;
    /** Next op queue offset to read. */
    private long readOffset;
    /** Op queue offset below which every record is about a finished half. */
    private long retiredOffset;
    /** (op queue offset, half CommitLog offset) of records read but not retired, in queue order. */
    private final ArrayDeque<long[]> unretired = new ArrayDeque<>();

    OpLogReader(DefaultMessageStore store, DecisionTable table) {
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
