package io.tidemq.broker.store;

import io.tidemq.broker.ha.PutGate;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.PutResult;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The broker's one door into the store for writes. Every message the broker stores goes through one of two puts,
 * so the diversions are applied in one place and nobody has to remember which door to use:
 *
 * <ul>
 *   <li>{@link #putUserMessage} / {@link #putUserMessages}: what a producer sent (SEND_MESSAGE,
 *       SEND_BATCH_MESSAGE). The half of a transaction goes to the half topic (transaction diversion), any other
 *       message through the delay diversion.</li>
 *   <li>{@link #putSystemMessage}: what the broker makes itself: retry and dead-letter copies, copies resent from
 *       a DLQ, the real message of a transaction commit, transaction op records, timer deliveries, rolls and dead
 *       letters. Never a half; a delay the copy asks for (a retry's back-off, a committed message's DELAY_MS) parks
 *       it in the timer, the timer's own records are stored as they are.</li>
 * </ul>
 *
 * Like the store's, every put here has copied what it stores (a record's body included) by the time it returns:
 * the gate appends on the calling thread, and a diversion copies the record it replaces, so a send's records may
 * point into the request's receive buffer.
 * Every put passes the replication gate ({@link PutGate}: refused on a slave, acknowledged once replicated in
 * SYNC replication). Reads go to {@link #store()} directly. No other broker class calls {@code MessageStore.putMessage}:
 * {@code StoreBoundaryArchTest} checks it. Thread-safe and lock-free: it holds no state of its own.
 */
public final class BrokerStore {

    private final MessageStore store;
    private final TransactionDiversion transactions;
    private final DelayDiversion delays;
    /** Replication's hold on every put (refusal on a slave, SYNC acknowledgement); set once at start. */
    private volatile PutGate gate = PutGate.NONE;

    public BrokerStore(MessageStore store, TransactionDiversion transactions, DelayDiversion delays) {
        this.store = store;
        this.transactions = transactions;
        this.delays = delays;
    }

    /** Routes every later put through {@code replication} (the broker's start, before requests are served). */
    public void setGate(PutGate replication) {
        this.gate = replication;
    }

    /** The store, for reads: gets, reads by offset or id, key queries, offsets, stats. Put through this class. */
    public MessageStore store() {
        return store;
    }

    /**
     * Stores one message a producer sent. The half of a transaction is stored in the half topic as it is, never
     * through the delay diversion: a delay applies from the commit on.
     *
     * @param producerGroup the sender's group from the request header, recorded in a half that names none
     * @return completes with where the record landed (for a delayed message the copy in the timer topic), or
     *         exceptionally with the diversion's {@link InvalidMessageException} or the store's typed exception
     * @throws IllegalArgumentException when a half names no producer group (nothing is stored)
     */
    public CompletableFuture<PutResult> putUserMessage(MessageRecord record, String producerGroup) {
        if (transactions.isPrepared(record)) {
            MessageRecord half = transactions.toHalf(record, producerGroup);
            return gate.put(() -> store.putMessage(half));
        }
        return putDiverted(record);
    }

    /**
     * Stores a batch a producer sent (one topic and queue, contiguous). A batch in which any message asks for a
     * delay fails with the diversion's {@link InvalidMessageException}, nothing stored.
     */
    public CompletableFuture<PutResult> putUserMessages(List<MessageRecord> records) {
        try {
            delays.checkBatchable(records);
        } catch (InvalidMessageException e) {
            return CompletableFuture.failedFuture(e);
        }
        return gate.put(() -> store.putMessages(records));
    }

    /**
     * Stores one message the broker made itself (see the class comment).
     *
     * @return completes with where the record landed, or exceptionally as {@link #putUserMessage}
     */
    public CompletableFuture<PutResult> putSystemMessage(MessageRecord record) {
        return putDiverted(record);
    }

    private CompletableFuture<PutResult> putDiverted(MessageRecord record) {
        MessageRecord toStore;
        try {
            toStore = delays.divert(record);
        } catch (InvalidMessageException e) {
            return CompletableFuture.failedFuture(e);
        }
        MessageRecord diverted = toStore;
        return gate.put(() -> store.putMessage(diverted));
    }
}
