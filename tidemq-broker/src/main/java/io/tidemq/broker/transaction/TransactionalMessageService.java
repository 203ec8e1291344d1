package io.tidemq.broker.transaction;

import io.tidemq.broker.store.BrokerStore;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.store.api.CorruptRecordException;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.OffsetOutOfRangeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.SyncFlushTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Applies transaction decisions to half messages, once each. A COMMIT puts the real message through the
 * broker's put path and then appends a COMMIT op record; a ROLLBACK appends a ROLLBACK op record. The op record
 * is appended after the real message, so a crash that truncates the CommitLog never keeps a decision whose
 * message was lost. Concurrent decisions for one half (duplicate END_TRANSACTION, a check-back answer racing
 * the producer's own, the scan's rollback) are serialized by the {@link DecisionTable}: the first applies, the
 * others report what it applied. A put that the store appended but did not confirm durable in time (SYNC flush
 * timeout) counts as applied: the record is in the CommitLog and becomes durable with the next fsync, so putting
 * it again would deliver the real message twice.
 *
 * <p>Thread-safe; called from the send executor (END_TRANSACTION) and the check thread.
 */
public final class TransactionalMessageService {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalMessageService.class);

    /** Reads halves; committed messages and op records go through its put door. */
    private final BrokerStore door;
    private final MessageStore store;
    private final Supplier<InetSocketAddress> storeHost;
    private final DecisionTable table = new DecisionTable();

    /**
     * @param door      the broker's put door: a committed message that carries a delay is scheduled like any
     *                  delayed message
     * @param storeHost the broker's own address, known once the server is bound
     */
    public TransactionalMessageService(BrokerStore door, Supplier<InetSocketAddress> storeHost) {
        this.door = door;
        this.store = door.store();
        this.storeHost = storeHost;
    }

    DecisionTable table() {
        return table;
    }

    MessageStore store() {
        return store;
    }

    BrokerStore door() {
        return door;
    }

    InetSocketAddress storeHost() {
        return storeHost.get();
    }

    /** Halves at or above the check boundary that have a decision (applied or being applied). */
    public int trackedDecisions() {
        return table.decidedCount();
    }

    /**
     * The half's CommitLog offset named by an END_TRANSACTION header: {@code commitLogOffset} when it is
     * {@code >= 0}, else the offset inside {@code msgId}.
     *
     * @throws IllegalArgumentException when neither is given
     */
    public static long halfOffset(Headers.EndTransactionRequest h) {
        if (h.commitLogOffset() >= 0) {
            return h.commitLogOffset();
        }
        if (h.msgId() == null || h.msgId().isEmpty()) {
            throw new IllegalArgumentException("END_TRANSACTION names no half message: give commitLogOffset (>= 0)"
                    + " or msgId, as the half's send returned them");
        }
        return MessageId.decode(h.msgId()).physicalOffset();
    }

    /**
     * Decides the half at {@code halfOffset}, unless it is decided already.
     *
     * @param producerGroup when not {@code null}, must be the half's producer group
     * @param source        who decides, recorded in the op record (PRODUCER, CHECK)
     * @return completes once the decision in force is durable as an op record; fails with
     *         {@link IllegalArgumentException} when no half message of that group is at the offset, or with the
     *         store's exception when a put failed (the half stays undecided and may be decided again)
     */
    public CompletableFuture<DecideResult> decide(long halfOffset, TransactionDecision decision, String source,
                                                  String producerGroup) {
        return claimAndApply(halfOffset, decision, source, () -> readHalf(halfOffset, producerGroup));
    }

    /** As {@link #decide(long, TransactionDecision, String, String)} for a half the caller has read. */
    CompletableFuture<DecideResult> decide(StoredMessage half, TransactionDecision decision, String source) {
        return claimAndApply(half.physicalOffset(), decision, source, () -> half);
    }

    private CompletableFuture<DecideResult> claimAndApply(long halfOffset, TransactionDecision decision,
                                                          String source, Supplier<StoredMessage> halfReader) {
        if (decision == TransactionDecision.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN decides nothing; the broker checks back later");
        }
        if (halfOffset < table.boundary()) {
            return CompletableFuture.completedFuture(new DecideResult(null, true));
        }
        DecisionTable.Entry mine = new DecisionTable.Entry(decision);
        DecisionTable.Entry existing = table.claim(halfOffset, mine);
        if (existing != null) {
            return existing.applied.thenApply(applied -> new DecideResult(applied, true));
        }
        if (halfOffset < table.boundary()) {
            // the scan finished the half and pruned it between our two looks
            table.abandon(halfOffset, mine);
            mine.applied.complete(null);
            return CompletableFuture.completedFuture(new DecideResult(null, true));
        }
        StoredMessage half;
        try {
            half = halfReader.get();
        } catch (RuntimeException e) {
            table.abandon(halfOffset, mine);
            mine.applied.completeExceptionally(e);
            return CompletableFuture.failedFuture(e);
        }
        return apply(half, mine, source);
    }

    private CompletableFuture<DecideResult> apply(StoredMessage half, DecisionTable.Entry mine, String source) {
        long halfOffset = half.physicalOffset();
        InetSocketAddress host = storeHost.get();
        String transactionId = HalfMessages.transactionId(half);
        CompletableFuture<PutResult> real;
        try {
            real = mine.decision == TransactionDecision.COMMIT
                    ? door.putSystemMessage(HalfMessages.toRealMessage(half, host))
                    : CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            real = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<DecideResult> result = new CompletableFuture<>();
        real.whenComplete((put, putFailure) -> {
            // A flush timeout means appended, durable soon: failing here would leave the half undecided, and the
            // next decision (a check-back) would put the real message a second time.
            boolean realUnconfirmed = isFlushTimeout(putFailure);
            if (putFailure != null && !realUnconfirmed) {
                fail(halfOffset, mine, putFailure, result);
                return;
            }
            OpRecord op = OpRecord.decided(mine.decision, halfOffset, source);
            CompletableFuture<PutResult> opPut;
            try {
                opPut = door.putSystemMessage(op.toRecord(transactionId, host));
            } catch (RuntimeException e) {
                opPut = CompletableFuture.failedFuture(e);
            }
            opPut.whenComplete((opResult, opPutFailure) -> {
                boolean opUnconfirmed = isFlushTimeout(opPutFailure);
                Throwable opFailure = opUnconfirmed ? null : opPutFailure;
                if (opFailure != null && mine.decision == TransactionDecision.ROLLBACK) {
                    fail(halfOffset, mine, opFailure, result);
                    return;
                }
                if (opFailure != null) {
                    // The real message is out: deciding again would deliver it twice. The decision stays in force
                    // for this run; only a restart before the check boundary passes the half can re-check it.
                    LOG.error("transaction {}: committed half at offset {} but could not record the COMMIT op: {}",
                            transactionId, halfOffset, opFailure.toString());
                }
                mine.applied.complete(mine.decision);
                boolean unconfirmed = realUnconfirmed || opUnconfirmed;
                if (unconfirmed) {
                    LOG.warn("transaction {}: {} half at offset {} ({}); the store has not confirmed it durable"
                            + " within syncFlushTimeoutMs, the decision stands and is not applied again",
                            transactionId, mine.decision, halfOffset, source);
                } else {
                    LOG.debug("transaction {}: {} half at offset {} ({})", transactionId, mine.decision, halfOffset,
                            source);
                }
                result.complete(new DecideResult(mine.decision, false, unconfirmed));
            });
        });
        return result;
    }

    private static boolean isFlushTimeout(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof SyncFlushTimeoutException;
    }

    private void fail(long halfOffset, DecisionTable.Entry mine, Throwable failure,
                      CompletableFuture<DecideResult> result) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        table.abandon(halfOffset, mine);
        mine.applied.completeExceptionally(cause);
        LOG.warn("applying {} to the half at offset {} failed; it stays undecided: {}", mine.decision, halfOffset,
                cause.toString());
        result.completeExceptionally(cause);
    }

    private StoredMessage readHalf(long halfOffset, String producerGroup) {
        StoredMessage half;
        try {
            half = store.readByPhysicalOffset(halfOffset);
        } catch (OffsetOutOfRangeException | CorruptRecordException e) {
            throw new IllegalArgumentException("no half message at CommitLog offset " + halfOffset + " ("
                    + e.getMessage() + "); send the offset the half's send returned (it may also have been"
                    + " deleted by retention)", e);
        }
        if (!HalfMessages.isHalf(half)) {
            throw new IllegalArgumentException("the message at CommitLog offset " + halfOffset + " is not a half"
                    + " message (topic " + half.topic() + "); send the offset the half's send returned");
        }
        String group = HalfMessages.producerGroup(half);
        if (producerGroup != null && !producerGroup.equals(group)) {
            throw new IllegalArgumentException("the half message at CommitLog offset " + halfOffset
                    + " belongs to producer group '" + group + "', not '" + producerGroup
                    + "'; end a transaction from the group that sent it");
        }
        return half;
    }
}
