package io.tidemq.broker.transaction;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What the broker knows about the half messages at or above the {@linkplain #boundary() boundary}: the
 * decision being applied or applied to each, and how many check-backs each has had. Keyed by the half's
 * CommitLog offset. Every half below the boundary is finished (decided, its op record stored), so its entries
 * are dropped.
 *
 * <p>Decisions are serialized per half without locks: whoever installs the entry with {@link #claim} applies
 * the decision; everyone else (a duplicate END_TRANSACTION, a check-back answer racing the producer's own
 * decision, the scan's rollback) finds the entry and waits on it. A claimant that fails {@linkplain #abandon
 * abandons} its entry so a later attempt can decide again.
 */
final class DecisionTable {

    /**
     * One decision. {@code applied} completes with the decision once its op record is stored, with
     * {@code null} when the half turned out to be finished already, or exceptionally when applying failed.
     */
    static final class Entry {
        final TransactionDecision decision;
        final CompletableFuture<TransactionDecision> applied = new CompletableFuture<>();

        Entry(TransactionDecision decision) {
            this.decision = decision;
        }

        static Entry finished(TransactionDecision decision) {
            Entry e = new Entry(decision);
            e.applied.complete(decision);
            return e;
        }

        /** Whether the decision is applied and its op record stored. */
        boolean isFinal() {
            return applied.isDone() && !applied.isCompletedExceptionally();
        }
    }

    /** Any thread claims (putIfAbsent); only a claimant removes its own entry; the scan thread prunes. */
    private final ConcurrentSkipListMap<Long, Entry> decisions = new ConcurrentSkipListMap<>();
    /** Written by the scan thread (check-backs, replay); read by it. */
    private final ConcurrentSkipListMap<Long, Integer> checkTimes = new ConcurrentSkipListMap<>();
    /** Written by the scan thread only (recovery runs before requests are served); read by request threads. */
    private volatile long boundary;

    /** CommitLog offset below which every half is finished. */
    long boundary() {
        return boundary;
    }

    /**
     * Installs {@code entry} for the half unless one is there.
     *
     * @return the entry already there, or {@code null} when {@code entry} was installed and the caller must
     *         apply it (completing {@code entry.applied}) or {@link #abandon} it
     */
    Entry claim(long halfOffset, Entry entry) {
        return decisions.putIfAbsent(halfOffset, entry);
    }

    /** Removes the caller's own entry after a failure (a no-op when pruning already removed it). */
    void abandon(long halfOffset, Entry entry) {
        decisions.remove(halfOffset, entry);
    }

    Entry get(long halfOffset) {
        return decisions.get(halfOffset);
    }

    /** A decision read back from the op topic; ignored below the boundary or when an entry exists. */
    void replayDecision(long halfOffset, TransactionDecision decision) {
        if (halfOffset >= boundary) {
            decisions.putIfAbsent(halfOffset, Entry.finished(decision));
        }
    }

    int checkTimes(long halfOffset) {
        return checkTimes.getOrDefault(halfOffset, 0);
    }

    /** Records that {@code times} check-backs have been sent for the half (never lowers the count). */
    void recordCheckTimes(long halfOffset, int times) {
        if (halfOffset >= boundary) {
            checkTimes.merge(halfOffset, times, Math::max);
        }
    }

    /** Moves the boundary up (never down) and forgets everything below it. */
    void advanceBoundary(long newBoundary) {
        if (newBoundary <= boundary) {
            return;
        }
        // boundary first: a request that claims a pruned half re-checks the boundary and backs off
        boundary = newBoundary;
        decisions.headMap(newBoundary).clear();
        checkTimes.headMap(newBoundary).clear();
    }

    /** Halves with an entry (decided or being decided) at or above the boundary. */
    int decidedCount() {
        return decisions.size();
    }
}
