package io.tidemq.it.transaction;

import io.tidemq.client.transaction.LocalTransactionState;
import io.tidemq.client.transaction.TransactionListener;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "database" of the test's transaction producers: the outcome of each local transaction by transaction id
 * (the message's unique id), which check-backs read, and how often each transaction was checked back.
 * A transaction with no recorded outcome answers UNKNOWN. Written by the test thread and the producer's
 * threads: concurrent maps and atomics only.
 */
final class TransactionLedger {

    /** What a transaction does: its local transaction's first answer, and what a later check-back reads. */
    record Plan(LocalTransactionState firstAnswer, LocalTransactionState outcome) {

        static final Plan COMMIT = new Plan(LocalTransactionState.COMMIT, LocalTransactionState.COMMIT);
        static final Plan ROLLBACK = new Plan(LocalTransactionState.ROLLBACK, LocalTransactionState.ROLLBACK);
        /** Answers UNKNOWN, then COMMIT when checked back. */
        static final Plan CHECK_COMMIT = new Plan(LocalTransactionState.UNKNOWN, LocalTransactionState.COMMIT);
        /** Answers UNKNOWN, then ROLLBACK when checked back. */
        static final Plan CHECK_ROLLBACK = new Plan(LocalTransactionState.UNKNOWN, LocalTransactionState.ROLLBACK);
        /** Answers UNKNOWN, and so do check-backs until the test records an outcome. */
        static final Plan UNDECIDED = new Plan(LocalTransactionState.UNKNOWN, null);
    }

    private final Map<String, LocalTransactionState> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();
    private final AtomicLong lastCheckNs = new AtomicLong(System.nanoTime());

    /** Runs local transactions by the {@link Plan} given as argument, and answers check-backs from the ledger. */
    TransactionListener listener() {
        return new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                Plan plan = (Plan) arg;
                if (plan.outcome() != null) {
                    record(msg.property(MessageConst.UNIQ_KEY), plan.outcome());
                }
                return plan.firstAnswer();
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                checks.computeIfAbsent(msg.uniqueId(), k -> new AtomicInteger()).incrementAndGet();
                lastCheckNs.set(System.nanoTime());
                return outcomes.getOrDefault(msg.uniqueId(), LocalTransactionState.UNKNOWN);
            }
        };
    }

    /** The local transaction of {@code transactionId} ended with {@code outcome}. */
    void record(String transactionId, LocalTransactionState outcome) {
        outcomes.put(transactionId, outcome);
    }

    /** Check-backs received for {@code transactionId} so far. */
    int checks(String transactionId) {
        AtomicInteger n = checks.get(transactionId);
        return n == null ? 0 : n.get();
    }

    /** Check-backs received so far for each of {@code transactionIds}. */
    Map<String, Integer> checks(Set<String> transactionIds) {
        Map<String, Integer> out = new HashMap<>();
        transactionIds.forEach(id -> out.put(id, checks(id)));
        return out;
    }

    /** Whether no check-back arrived during the last {@code ms}. */
    boolean quietFor(long ms) {
        return System.nanoTime() - lastCheckNs.get() >= ms * 1_000_000;
    }
}
