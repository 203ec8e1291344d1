package io.tidemq.broker.longpolling;

import io.tidemq.common.concurrent.ServiceThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import io.tidemq.store.api.MessageArrivalListener;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;

/**
 * Holds pulls that found nothing until a message arrives for their queue or their deadline passes.
 *
 * <p>Two things wake a held pull: the store's arrival listener ({@link #onArrival}, called on the store's
 * dispatch thread after a message is indexed) and a sweep every {@code checkIntervalMs} on the
 * {@code tidemq-pull-hold} thread, which expires overdue pulls and re-checks the queue's max offset (a
 * safety net for an arrival that raced with the hold). Each held pull is woken exactly once; its
 * {@link HeldPull#wake} must hand the real work to another thread because it runs on the dispatch or sweep
 * thread.
 *
 * <p>Held pulls are bounded: at most {@code maxHeldPerOwner} per owner (the connection they arrived on) and
 * {@code maxHeld} in all. {@link #hold} refuses a pull beyond either limit, so a client pipelining pulls cannot
 * fill the heap with them.
 */
public final class PullRequestHoldService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PullRequestHoldService.class);

    /** The queue's current max offset (the offset the next message will get). */
    @FunctionalInterface
    public interface MaxOffsetSource {
        long maxOffset(String topic, int queueId);
    }

    /** Called once when the pull should run again: a message arrived, or the deadline passed. */
    @FunctionalInterface
    public interface HeldPull {
        void wake(boolean expired);
    }

    /**
     * topic → its queues' held pulls. Entries are created on first hold and kept: a topic with long-polling
     * consumers keeps having them, and keeping the entry spares the arrival path any allocation.
     */
    private final ConcurrentHashMap<String, TopicHolds> holds = new ConcurrentHashMap<>();
    private final MaxOffsetSource maxOffsets;
    private final long checkIntervalMs;
    private final int maxHeld;
    private final int maxHeldPerOwner;
    /** Pulls held now, all owners together; taken before a pull is added, given back when it is woken. */
    private final AtomicInteger heldTotal = new AtomicInteger();
    /** Pulls held now per owner; an entry exists only while its count is above zero (compute keeps it atomic). */
    private final ConcurrentHashMap<Object, Integer> heldByOwner = new ConcurrentHashMap<>();
    /** The {@code tidemq-pull-hold} sweep thread. */
    private final ServiceThread sweeper;
    /** Set by close(); read by hold() so no pull is held after the final sweep. */
    private volatile boolean closed;

    /** Without limits on the number of held pulls. */
    public PullRequestHoldService(MaxOffsetSource maxOffsets, long checkIntervalMs) {
        this(maxOffsets, checkIntervalMs, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * @param maxHeld         pulls held at once in all ({@code longPollingMaxHeld})
     * @param maxHeldPerOwner pulls held at once per owner ({@code longPollingMaxHeldPerConnection})
     */
    public PullRequestHoldService(MaxOffsetSource maxOffsets, long checkIntervalMs, int maxHeld, int maxHeldPerOwner) {
        this.maxOffsets = maxOffsets;
        this.checkIntervalMs = checkIntervalMs;
        this.maxHeld = maxHeld;
        this.maxHeldPerOwner = maxHeldPerOwner;
        this.sweeper = ServiceThread.every("tidemq-pull-hold", checkIntervalMs, () -> sweep(System.nanoTime()),
                e -> LOG.error("long-polling sweep failed; held pulls are retried on the next sweep", e));
    }

    public void start() {
        sweeper.start();
    }

    /**
     * Holds a pull of {@code topic}/{@code queueId} that wants messages from {@code fromOffset}. If a message
     * is already there (it arrived between the caller's read and this call) the pull is woken at once.
     *
     * @param deadlineNanos {@link System#nanoTime()} after which the pull is woken as expired
     */
    public void hold(String topic, int queueId, long fromOffset, long deadlineNanos, HeldPull pull) {
        hold(topic, queueId, fromOffset, deadlineNanos, this, pull);
    }

    /**
     * Like {@link #hold(String, int, long, long, HeldPull)}, counted against {@code owner}'s limit.
     *
     * @return false, without holding or waking the pull, when {@code owner} or the broker already holds as many
     *         pulls as allowed; the caller answers the pull itself
     */
    public boolean hold(String topic, int queueId, long fromOffset, long deadlineNanos, Object owner, HeldPull pull) {
        if (closed) {
            pull.wake(true);
            return true;
        }
        if (!acquire(owner)) {
            return false;
        }
        QueueHolds q = holds.computeIfAbsent(topic, t -> new TopicHolds()).queue(queueId);
        Held held = new Held(fromOffset, deadlineNanos, owner, pull);
        q.add(held);
        if (maxOffsets.maxOffset(topic, queueId) > fromOffset && q.remove(held)) {
            release(owner);
            pull.wake(false);
        }
        return true;
    }

    private boolean acquire(Object owner) {
        if (heldTotal.incrementAndGet() > maxHeld) {
            heldTotal.decrementAndGet();
            return false;
        }
        boolean[] granted = {false};
        heldByOwner.compute(owner, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxHeldPerOwner) {
                return n;
            }
            granted[0] = true;
            return now + 1;
        });
        if (!granted[0]) {
            heldTotal.decrementAndGet();
        }
        return granted[0];
    }

    private void release(Object owner) {
        heldByOwner.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
        heldTotal.decrementAndGet();
    }

    /** The store indexed messages of a queue; {@code maxOffset} is the queue's new max offset. */
    public void onArrival(String topic, int queueId, long maxOffset) {
        TopicHolds t = holds.get(topic);
        if (t == null) {
            return;
        }
        QueueHolds q = t.peek(queueId);
        if (q == null) {
            return;
        }
        List<Held> ready = q.removeReady(maxOffset, false);
        if (ready != null) {
            wakeAll(ready, false);
        }
    }

    /**
     * Whether any pull is held (or about to be: the count is taken before a pull is added). The store asks it on
     * appends to decide whether to wake its dispatcher at once; one volatile read.
     */
    public boolean anyHeld() {
        return heldTotal.get() > 0;
    }

    /** Store arrivals for this service: wakes held pulls, and asks for prompt dispatch only while some are held. */
    public MessageArrivalListener arrivalListener() {
        return new MessageArrivalListener() {
            @Override
            public void onArrival(String topic, int queueId, long maxQueueOffset) {
                PullRequestHoldService.this.onArrival(topic, queueId, maxQueueOffset);
            }

            @Override
            public boolean waitingForArrivals() {
                return anyHeld();
            }
        };
    }

    /** Pulls currently held (a gauge for metrics and tests). */
    public int heldCount() {
        int n = 0;
        for (TopicHolds t : holds.values()) {
            n += t.count();
        }
        return n;
    }

    /** Stops the sweeper and answers every held pull as expired so no client waits for a closed broker. */
    @Override
    public void close() {
        closed = true;
        if (!sweeper.shutdown(5_000)) {
            LOG.warn("tidemq-pull-hold did not stop within 5 s");
        }
        for (TopicHolds t : holds.values()) {
            t.forEachQueue((q, queueId) -> {
                List<Held> all = q.removeReady(Long.MIN_VALUE, true);
                if (all != null) {
                    wakeAll(all, true);
                }
            });
        }
    }

    /** Expires overdue pulls and wakes those whose queue grew; package-private for tests. */
    void sweep(long nowNanos) {
        holds.forEach((topic, t) -> t.forEachQueue((q, queueId) -> {
            if (q.isEmpty()) {
                return;
            }
            List<Held> expired = q.removeExpired(nowNanos);
            if (expired != null) {
                wakeAll(expired, true);
            }
            if (!q.isEmpty()) {
                List<Held> ready = q.removeReady(maxOffsets.maxOffset(topic, queueId), false);
                if (ready != null) {
                    wakeAll(ready, false);
                }
            }
        }));
    }

    private void wakeAll(List<Held> pulls, boolean expired) {
        for (Held h : pulls) {
            release(h.owner);
            try {
                h.pull.wake(expired);
            } catch (RuntimeException e) {
                LOG.error("waking a held pull failed", e);
            }
        }
    }

    /** One held pull. */
    static final class Held {
        final long fromOffset;
        final long deadlineNanos;
        final Object owner;
        final HeldPull pull;

        Held(long fromOffset, long deadlineNanos, Object owner, HeldPull pull) {
            this.fromOffset = fromOffset;
            this.deadlineNanos = deadlineNanos;
            this.owner = owner;
            this.pull = pull;
        }
    }

    /** The held pulls of one queue; guarded by {@code this}. */
    static final class QueueHolds {
        private final ArrayList<Held> pulls = new ArrayList<>(4);

        synchronized void add(Held h) {
            pulls.add(h);
        }

        synchronized boolean remove(Held h) {
            return pulls.remove(h);
        }

        synchronized boolean isEmpty() {
            return pulls.isEmpty();
        }

        synchronized int size() {
            return pulls.size();
        }

        /**
         * Removes pulls whose offset is below {@code maxOffset} (or every pull when {@code all}); returns them,
         * or {@code null} when none (no allocation on the common arrival with nobody waiting).
         */
        synchronized List<Held> removeReady(long maxOffset, boolean all) {
            List<Held> out = null;
            for (Iterator<Held> it = pulls.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (all || h.fromOffset < maxOffset) {
                    it.remove();
                    if (out == null) {
                        out = new ArrayList<>(2);
                    }
                    out.add(h);
                }
            }
            return out;
        }

        synchronized List<Held> removeExpired(long nowNanos) {
            List<Held> out = null;
            for (Iterator<Held> it = pulls.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (nowNanos - h.deadlineNanos >= 0) {
                    it.remove();
                    if (out == null) {
                        out = new ArrayList<>(2);
                    }
                    out.add(h);
                }
            }
            return out;
        }
    }

    /**
     * The queues of one topic with held pulls, indexed by queue id so the arrival path finds them without
     * boxing the id. The array only grows, under {@code this}; readers see it through the volatile field.
     */
    static final class TopicHolds {
        private volatile QueueHolds[] queues = new QueueHolds[8];

        QueueHolds peek(int queueId) {
            QueueHolds[] qs = queues;
            return queueId >= 0 && queueId < qs.length ? qs[queueId] : null;
        }

        synchronized QueueHolds queue(int queueId) {
            QueueHolds[] qs = queues;
            if (queueId >= qs.length) {
                QueueHolds[] grown = new QueueHolds[Math.max(queueId + 1, qs.length * 2)];
                System.arraycopy(qs, 0, grown, 0, qs.length);
                qs = grown;
            }
            if (qs[queueId] == null) {
                qs[queueId] = new QueueHolds();
            }
            queues = qs;
            return qs[queueId];
        }

        int count() {
            int n = 0;
            for (QueueHolds q : queues) {
                if (q != null) {
                    n += q.size();
                }
            }
            return n;
        }

        void forEachQueue(ObjIntConsumer<QueueHolds> action) {
            QueueHolds[] qs = queues;
            for (int i = 0; i < qs.length; i++) {
                if (qs[i] != null) {
                    action.accept(qs[i], i);
                }
            }
        }
    }
}
