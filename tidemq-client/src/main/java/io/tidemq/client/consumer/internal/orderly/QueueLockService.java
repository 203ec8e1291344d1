package io.tidemq.client.consumer.internal.orderly;

import io.tidemq.client.consumer.internal.ConsumerRuntime;

import io.tidemq.client.ClientException;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.body.LockBatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The broker-side queue locks of one ordered consumer (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ):
 * <ul>
 *   <li>a queue the rebalance gives this member is locked before it is read ({@link #lockBeforeAssign}), so its
 *       start offset is read only after the previous owner committed and let go, or its lease ran out; a queue
 *       another member still holds is not taken now, and the rebalance is tried again shortly;</li>
 *   <li>every {@code lockRenewIntervalMs} all held locks are renewed, one request per broker; a refused renewal
 *       stops the queue's consumption at the next message;</li>
 *   <li>a revoked queue is released ({@link #release}) once its in-flight message is consumed: the offset is
 *       committed, then the lock is released, so the next owner starts exactly after it.</li>
 * </ul>
 * A lease counts from when the lock request was sent, for the lease length the broker answers, so this member
 * never believes it holds a lock the broker already let go.
 *
 * <p>Threads: {@link #lockBeforeAssign} and {@link #release} run on the rebalance thread (or the closing
 * thread), renewals on the client's timer thread with answers on network threads, {@link #releaseIfPending}
 * on a consume thread. The table is concurrent; each queue's release is serialised by its consume lock.
 */
final class QueueLockService {

    private static final Logger LOG = LoggerFactory.getLogger(QueueLockService.class);
    /** How long a revoke waits for the message in flight before leaving the release to the consume task. */
    static final long REVOKE_WAIT_MS = 1_000;
    /** At most one single-queue relock per queue per this interval. */
    static final long RELOCK_MIN_INTERVAL_MS = 1_000;

    private final ConsumerRuntime runtime;
    /** False for broadcasting: no broker locks, every queue is always ours. */
    private final boolean brokerLocks;
    private final String group;
    private final QueueLockRemoting remoting;
    private final long renewIntervalMs;
    /** Called (on any thread) when a queue's lock was granted anew, so its consumption can resume. */
    private final Consumer<OrderlyQueue> onGranted;
    /** The queues this member locked or is about to release; concurrent. */
    private final Map<MessageQueue, OrderlyQueue> queues = new ConcurrentHashMap<>();
    /** Whether a rebalance retry is already scheduled (after a refused lock). */
    private final AtomicBoolean rebalanceRetryScheduled = new AtomicBoolean();
    /** Whether the short-lease warning was logged. */
    private final AtomicBoolean leaseWarned = new AtomicBoolean();
    /** Set by start, cancelled by stop; volatile for the closing thread. */
    private volatile ScheduledFuture<?> renewal;

    QueueLockService(ConsumerRuntime runtime, boolean brokerLocks, long renewIntervalMs,
                     Consumer<OrderlyQueue> onGranted) {
        this.runtime = runtime;
        this.brokerLocks = brokerLocks;
        this.group = runtime.group();
        this.remoting = new QueueLockRemoting(runtime.instance(), group);
        this.renewIntervalMs = renewIntervalMs;
        this.onGranted = onGranted;
    }

    void start() {
        if (!brokerLocks) {
            return;
        }
        renewal = runtime.instance().scheduleAtFixedDelay("queue lock renewal of group " + group, this::renewAll,
                renewIntervalMs);
    }

    /** Stops renewing; locks still held are released by the revokes of {@code close()} or expire. */
    void stop() {
        ScheduledFuture<?> r = renewal;
        if (r != null) {
            r.cancel(false);
        }
    }

    /** The state of a queue this member holds (or is releasing), or {@code null}. */
    OrderlyQueue queue(MessageQueue mq) {
        return queues.get(mq);
    }

    /**
     * Locks {@code mq} on its broker before the rebalance starts reading it.
     *
     * @return false when the queue must not be read yet: another member holds it, its release by this member is
     * still pending, or the broker could not be asked (the rebalance tries again shortly)
     */
    boolean lockBeforeAssign(MessageQueue mq) {
        OrderlyQueue existing = queues.get(mq);
        if (existing != null && existing.releasePending) {
            LOG.info("group {}: {} was reassigned to this member while its last message was still being consumed;"
                    + " taking it once that finished", group, mq);
            retryRebalanceSoon();
            return false;
        }
        if (!brokerLocks) {
            queues.computeIfAbsent(mq, OrderlyQueue::new).lockNotNeeded();
            return true;
        }
        long sentNanos = System.nanoTime();
        LockBatchResponse answer;
        try {
            answer = remoting.lock(brokerAddress(mq), Set.of(mq));
        } catch (ClientException e) {
            LOG.warn("group {}: cannot lock {} for ordered consumption ({}); retrying shortly", group, mq,
                    e.getMessage());
            retryRebalanceSoon();
            return false;
        }
        if (answer.lockedQueues() == null || !answer.lockedQueues().contains(mq)) {
            LOG.info("group {}: {} is still locked by its previous owner; taking it once that member releases it"
                    + " or its lease ends", group, mq);
            retryRebalanceSoon();
            return false;
        }
        warnIfLeaseTooShort(answer.lockLeaseMs());
        OrderlyQueue q = queues.computeIfAbsent(mq, OrderlyQueue::new);
        q.granted(sentNanos, answer.lockLeaseMs());
        return true;
    }

    /**
     * Renews the locks of the queues being read or released, one asynchronous request per broker. A queue that
     * was locked but never started (its start offset could not be read) is not renewed and forgotten once its
     * lease ran out.
     */
    void renewAll() {
        // numbered before the released flags are read: an unlock decided after that read is numbered higher, so the
        // broker does not let this renewal take such a queue back
        long seq = QueueLockRemoting.nextSeq();
        Map<String, Set<MessageQueue>> byBroker = new HashMap<>();
        long now = System.nanoTime();
        for (OrderlyQueue q : queues.values()) {
            if (q.released) {
                continue; // renewing now could re-take a lock just released for the next owner
            }
            if (!q.releasePending && runtime.pullRequest(q.mq) == null) {
                if (!q.lockValid(now)) {
                    queues.remove(q.mq, q);
                }
                continue;
            }
            String addr = runtime.instance().brokerAddress(q.mq.brokerName());
            if (addr == null) {
                LOG.warn("group {}: no address known for broker {}; the lock of {} is not renewed", group,
                        q.mq.brokerName(), q.mq);
                continue;
            }
            byBroker.computeIfAbsent(addr, a -> new TreeSet<>()).add(q.mq);
        }
        byBroker.forEach((addr, mqs) -> renew(addr, mqs, seq));
    }

    private void renew(String addr, Set<MessageQueue> mqs, long seq) {
        long sentNanos = System.nanoTime();
        remoting.lockAsync(addr, mqs, seq).whenComplete((answer, failure) -> {
            if (failure != null) {
                LOG.warn("group {}: renewing the locks of {} at {} failed: {}; consumption of a queue stops when its"
                        + " lease ends", group, mqs, addr, failure.getMessage());
                return;
            }
            warnIfLeaseTooShort(answer.lockLeaseMs());
            Set<MessageQueue> granted = answer.lockedQueues() == null ? Set.of() : answer.lockedQueues();
            for (MessageQueue mq : mqs) {
                OrderlyQueue q = queues.get(mq);
                if (q == null || q.released) {
                    continue;
                }
                if (granted.contains(mq)) {
                    boolean wasValid = q.lockValid(System.nanoTime());
                    q.granted(sentNanos, answer.lockLeaseMs());
                    if (!wasValid) {
                        onGranted.accept(q);
                    }
                } else if (q.lockValid(System.nanoTime())) {
                    LOG.warn("group {}: broker {} refused to renew the lock of {}: another member holds it now;"
                            + " this member stops consuming it", group, addr, mq);
                    q.lost();
                } else {
                    q.lost();
                }
            }
        });
    }

    /**
     * A consume task found the lock of {@code q} expired: asks for it again (at most once a second per queue) and
     * resumes the queue when granted.
     */
    void relockSoon(OrderlyQueue q) {
        if (!brokerLocks) {
            return;
        }
        long now = System.nanoTime();
        long seq = QueueLockRemoting.nextSeq(); // before reading released, as in renewAll
        if (q.released || now - q.lastRelockNanos < RELOCK_MIN_INTERVAL_MS * 1_000_000L
                || !q.relocking.compareAndSet(false, true)) {
            return;
        }
        q.lastRelockNanos = now;
        String addr = runtime.instance().brokerAddress(q.mq.brokerName());
        if (addr == null) {
            q.relocking.set(false);
            return;
        }
        remoting.lockAsync(addr, Set.of(q.mq), seq).whenComplete((answer, failure) -> {
            q.relocking.set(false);
            if (failure == null && answer.lockedQueues() != null && answer.lockedQueues().contains(q.mq)
                    && queues.get(q.mq) == q) {
                q.granted(now, answer.lockLeaseMs());
                onGranted.accept(q);
            }
        });
    }

    /**
     * The rebalance revoked {@code mq} (its process queue is already dropped): once the message in flight is
     * consumed, commits the offset and releases the lock. Waits up to {@value #REVOKE_WAIT_MS} ms for that
     * message; if it is still running then, the consume task releases the queue when it finishes.
     */
    void release(MessageQueue mq) {
        OrderlyQueue q = queues.get(mq);
        if (q == null) {
            return;
        }
        q.releasePending = true;
        boolean locked;
        try {
            locked = q.consumeLock.tryLock(REVOKE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            LOG.info("group {}: {} was revoked while a message was being consumed; it is released when that"
                    + " finishes", group, mq);
            return;
        }
        try {
            commitAndUnlock(q);
        } finally {
            q.consumeLock.unlock();
        }
    }

    /** Called by a consume task holding the consume lock as it stops: finishes a release a revoke left to it. */
    void releaseIfPending(OrderlyQueue q) {
        if (q.releasePending && !q.released) {
            commitAndUnlock(q);
        }
    }

    /**
     * Commits the queue's offset, then releases its broker lock, then forgets the queue; the caller holds the
     * consume lock. If the commit fails the lock is kept (it expires), so the next owner does not start from a
     * stale offset while this member could still commit.
     */
    private void commitAndUnlock(OrderlyQueue q) {
        if (q.released) {
            return;
        }
        q.released = true;
        MessageQueue mq = q.mq;
        if (!brokerLocks) {
            runtime.offsets().persist(mq);
            runtime.offsets().remove(mq);
            q.lost();
            queues.remove(mq, q);
            return;
        }
        try {
            String addr = brokerAddress(mq);
            long offset = runtime.offsets().readLocal(mq);
            if (offset >= 0) {
                runtime.instance().api().updateConsumerOffset(addr, group, mq, offset, runtime.instance().clientId(),
                        false);
            }
            // Forget the in-memory offset now: a later periodic commit of it could otherwise move the
            // broker's offset back under the next owner's feet.
            runtime.offsets().remove(mq);
            remoting.unlock(addr, Set.of(mq));
            LOG.info("group {}: released {} at offset {}", group, mq, offset);
        } catch (ClientException e) {
            LOG.warn("group {}: could not commit and release {} ({}); its lock expires after the broker's lease",
                    group, mq, e.getMessage());
        } finally {
            q.lost();
            queues.remove(mq, q);
        }
    }

    private void retryRebalanceSoon() {
        if (!rebalanceRetryScheduled.compareAndSet(false, true)) {
            return;
        }
        long delayMs = Math.min(RELOCK_MIN_INTERVAL_MS, runtime.instance().config().rebalanceIntervalMs());
        try {
            runtime.instance().delayScheduler().schedule(() -> {
                rebalanceRetryScheduled.set(false);
                runtime.instance().triggerRebalance(group);
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            rebalanceRetryScheduled.set(false);
        }
    }

    private void warnIfLeaseTooShort(long leaseMs) {
        if (renewIntervalMs * 2 > leaseMs && leaseWarned.compareAndSet(false, true)) {
            LOG.warn("group {}: the broker's queue lock lease ({} ms) is less than twice lockRenewIntervalMs ({} ms);"
                    + " one late renewal pauses the ordered queues. Set lockRenewIntervalMs to at most a third of the"
                    + " broker's rebalanceLockMaxLiveMs", group, leaseMs, renewIntervalMs);
        }
    }

    private String brokerAddress(MessageQueue mq) {
        String addr = runtime.instance().brokerAddress(mq.brokerName());
        if (addr == null) {
            throw new ClientException("broker " + mq.brokerName() + " of " + mq + " is not in the cached route");
        }
        return addr;
    }

    /** The queues this member holds now, for tests and logs. */
    List<MessageQueue> heldQueues() {
        List<MessageQueue> out = new ArrayList<>();
        long now = System.nanoTime();
        queues.values().forEach(q -> {
            if (q.lockValid(now)) {
                out.add(q.mq);
            }
        });
        return out;
    }
}
