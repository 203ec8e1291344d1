package io.tidemq.broker.transaction;

import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the half queue, from the first unfinished half: moves the check boundary past the finished
 * prefix, checks back undecided halves older than {@code transactionTimeoutMs}, and rolls back those already
 * checked {@code transactionCheckMax} times. Stops at the first half too young to check (later ones are
 * younger still).
 *
 * <p>Decisions of halves above the boundary stay tracked until the boundary passes them, so one half that nobody
 * decides would keep every later decision in memory for up to {@code transactionCheckMax} check intervals. Once
 * more than {@code maxTrackedDecisions} are tracked, the half holding the boundary is rolled back as soon as it
 * has been checked back once (its producer had its chance and did not decide), and the boundary moves on.
 *
 * <p>Each check-back appends a CHECK op record first, so the count survives a restart; a check-back with no
 * live producer to ask still counts, so halves of a group that never returns are rolled back in the end.
 *
 * <p>Owned by one thread: recovery, then the check thread.
 */
final class HalfScanner {

    private static final Logger LOG = LoggerFactory.getLogger(HalfScanner.class);
    private static final int BATCH = 64;
    private static final long BATCH_BYTES = 4L << 20;

    private final TransactionalMessageService transactions;
    private final DecisionTable table;
    private final long transactionTimeoutMs;
    private final int transactionCheckMax;
    private final int maxTrackedDecisions;
    /**
     * Half queue offset below which every half is finished. Written only by the owning thread; volatile so
     * {@link TransactionCheckService#waitingHalves} can read where to start on the admin executor.
     */
    private volatile long finishedQueueOffset;

    HalfScanner(TransactionalMessageService transactions, long transactionTimeoutMs, int transactionCheckMax,
                int maxTrackedDecisions) {
        this.maxTrackedDecisions = maxTrackedDecisions;
        this.transactions = transactions;
        this.table = transactions.table();
        this.transactionTimeoutMs = transactionTimeoutMs;
        this.transactionCheckMax = transactionCheckMax;
    }

    void reset(long halfQueueOffset) {
        finishedQueueOffset = halfQueueOffset;
    }

    long finishedQueueOffset() {
        return finishedQueueOffset;
    }

    /** One pass, asking producers through {@code sender}. */
    void scan(long nowMs, CheckBackSender sender) {
        long offset = finishedQueueOffset;
        long boundary = table.boundary();
        boolean finishedSoFar = true;
        scan:
        while (true) {
            GetResult r = transactions.store().getMessages(TransactionTopics.HALF_TOPIC, TransactionTopics.QUEUE_ID,
                    offset, BATCH, BATCH_BYTES, null);
            if (r.status() == GetStatus.OFFSET_TOO_SMALL || r.status() == GetStatus.OFFSET_TOO_BIG) {
                // retention deleted halves, or a crash lost an ASYNC-flushed tail past the persisted progress
                offset = r.nextBeginOffset();
                if (finishedSoFar) {
                    finishedQueueOffset = offset;
                }
                if (r.status() == GetStatus.OFFSET_TOO_BIG) {
                    break;
                }
                continue;
            }
            if (r.messages().isEmpty()) {
                if (finishedSoFar) {
                    finishedQueueOffset = r.nextBeginOffset();
                }
                break;
            }
            for (StoredMessage half : r.messages()) {
                long halfOffset = half.physicalOffset();
                DecisionTable.Entry entry = table.get(halfOffset);
                boolean finished = !HalfMessages.isHalf(half) || (entry != null && entry.isFinal());
                if (finished) {
                    if (finishedSoFar) {
                        finishedQueueOffset = half.queueOffset() + 1;
                        boundary = halfOffset + 1;
                    }
                    continue;
                }
                boolean holdsBoundary = finishedSoFar;
                finishedSoFar = false;
                if (entry != null) {
                    continue;
                }
                if (nowMs - half.storeTimestampMs() < transactionTimeoutMs) {
                    break scan;
                }
                checkOrRollBack(half, sender, holdsBoundary);
            }
            offset = r.nextBeginOffset();
        }
        table.advanceBoundary(boundary);
    }

    private void checkOrRollBack(StoredMessage half, CheckBackSender sender, boolean holdsBoundary) {
        long halfOffset = half.physicalOffset();
        String transactionId = HalfMessages.transactionId(half);
        int checks = table.checkTimes(halfOffset);
        boolean tooManyBehind = holdsBoundary && checks >= 1 && table.decidedCount() > maxTrackedDecisions;
        if (checks >= transactionCheckMax || tooManyBehind) {
            if (tooManyBehind && checks < transactionCheckMax) {
                LOG.warn("transaction {} of producer group {}: no decision after {} check-back(s) while {} later"
                                + " decisions wait behind it (transactionMaxTrackedDecisions {}); rolling back its half"
                                + " message at offset {} now", transactionId, HalfMessages.producerGroup(half), checks,
                        table.decidedCount(), maxTrackedDecisions, halfOffset);
            } else {
                LOG.warn("transaction {} of producer group {}: no decision after {} check-backs"
                                + " (transactionCheckMax); rolling back its half message at offset {}", transactionId,
                        HalfMessages.producerGroup(half), checks, halfOffset);
            }
            transactions.decide(half, TransactionDecision.ROLLBACK, "CHECK_MAX").whenComplete((r, failure) -> {
                if (failure != null) {
                    LOG.error("transaction {}: rollback after too many check-backs failed; retrying next scan",
                            transactionId, failure);
                }
            });
            return;
        }
        int times = checks + 1;
        table.recordCheckTimes(halfOffset, times);
        transactions.door().putSystemMessage(OpRecord.checked(halfOffset, times)
                .toRecord(transactionId, transactions.storeHost())).whenComplete((r, failure) -> {
                    if (failure != null) {
                        LOG.warn("transaction {}: could not record check-back {}; a restart may repeat it: {}",
                                transactionId, times, failure.toString());
                    }
                });
        sender.send(half, times);
    }
}
