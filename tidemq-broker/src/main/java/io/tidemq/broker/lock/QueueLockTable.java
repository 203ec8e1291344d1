package io.tidemq.broker.lock;

import io.tidemq.common.message.MessageQueue;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which client of a consumer group may consume a queue in order: (group, queue) → client id, each lock a lease
 * that lives {@code leaseMs} after its last grant or renewal. Ordered consumers lock the queues the rebalance
 * gave them before they read them, renew the locks well inside the lease, and unlock a queue they give up
 * once its in-flight message is consumed and its offset committed. A queue held by a client whose lease ran out
 * (it crashed or lost its connection) goes to the next client that asks.
 *
 * <p>The table lives in memory only: after a broker restart every queue is free, and the clients that held
 * locks take them back on their next renewal.
 *
 * <p>Thread-safety: request threads of any number call in. Each group's lock map is guarded by its own monitor,
 * so one batch is granted atomically (no client sees half of another's batch) and groups never contend with one
 * another. Time comes from a monotonic millisecond clock, so a wall-clock jump neither frees nor pins a lock.
 */
public final class QueueLockTable {

    /** One lease: immutable, replaced on renewal. */
    private record Lease(String clientId, long expiresAtMs) {
        boolean liveAt(long nowMs) {
            return nowMs < expiresAtMs;
        }
    }

    /** The leases of one group; every field guarded by the instance's monitor. */
    private static final class GroupLocks {
        final Map<MessageQueue, Lease> leases = new HashMap<>();
        /** When expired leases are next swept out, so memory follows live locks, not every queue ever locked. */
        long nextSweepMs;
    }

    /** A lock as the admin view shows it. */
    public record LockView(String clientId, long remainingMs) {
    }

    private final long leaseMs;
    private final LongSupplier clockMs;
    /** Group → its leases; entries are never removed, so a monitor taken on one always guards the live map. */
    private final Map<String, GroupLocks> groups = new ConcurrentHashMap<>();

    /** A table whose leases live {@code leaseMs}, on the JVM's monotonic clock. */
    public QueueLockTable(long leaseMs) {
        this(leaseMs, () -> System.nanoTime() / 1_000_000L);
    }

    /** For tests: {@code clockMs} is a monotonic clock in milliseconds. */
    public QueueLockTable(long leaseMs, LongSupplier clockMs) {
        if (leaseMs <= 0) {
            throw new IllegalArgumentException("leaseMs must be > 0, was " + leaseMs);
        }
        this.leaseMs = leaseMs;
        this.clockMs = clockMs;
    }

    /** How long a lock lives without renewal. */
    public long leaseMs() {
        return leaseMs;
    }

    /**
     * Locks (or renews) {@code queues} for {@code clientId}: a queue that is free, expired or already held by this
     * client is granted and its lease restarts now; a queue held by another client's live lease is not.
     *
     * @return the queues {@code clientId} holds now, out of those asked for
     */
    public Set<MessageQueue> tryLock(String group, String clientId, Collection<MessageQueue> queues) {
        GroupLocks locks = groups.computeIfAbsent(group, g -> new GroupLocks());
        Set<MessageQueue> granted = new TreeSet<>();
        synchronized (locks) {
            long now = clockMs.getAsLong();
            sweep(locks, now);
            Lease fresh = new Lease(clientId, now + leaseMs);
            for (MessageQueue mq : queues) {
                Lease held = locks.leases.get(mq);
                if (held == null || !held.liveAt(now) || held.clientId().equals(clientId)) {
                    locks.leases.put(mq, fresh);
                    granted.add(mq);
                }
            }
        }
        return granted;
    }

    /** At most once per lease length, so the cost is spread thinly over the lock requests. */
    private void sweep(GroupLocks locks, long now) {
        if (now >= locks.nextSweepMs) {
            locks.leases.values().removeIf(lease -> !lease.liveAt(now));
            locks.nextSweepMs = now + leaseMs;
        }
    }

    /**
     * Releases the locks {@code clientId} holds on {@code queues}; queues locked by another client stay locked.
     *
     * @return how many locks were released
     */
    public int unlock(String group, String clientId, Collection<MessageQueue> queues) {
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return 0;
        }
        int released = 0;
        synchronized (locks) {
            for (MessageQueue mq : queues) {
                Lease held = locks.leases.get(mq);
                if (held != null && held.clientId().equals(clientId)) {
                    locks.leases.remove(mq);
                    released++;
                }
            }
        }
        return released;
    }

    /** The client holding a live lock on {@code mq} for {@code group}, or {@code null} when it is free. */
    public String holder(String group, MessageQueue mq) {
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return null;
        }
        synchronized (locks) {
            Lease held = locks.leases.get(mq);
            return held != null && held.liveAt(clockMs.getAsLong()) ? held.clientId() : null;
        }
    }

    /** The live locks of {@code group}, sorted by queue. */
    public Map<MessageQueue, LockView> locks(String group) {
        Map<MessageQueue, LockView> out = new TreeMap<>();
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return out;
        }
        synchronized (locks) {
            long now = clockMs.getAsLong();
            locks.leases.forEach((mq, lease) -> {
                if (lease.liveAt(now)) {
                    out.put(mq, new LockView(lease.clientId(), lease.expiresAtMs() - now));
                }
            });
        }
        return out;
    }

    /** How many leases the table keeps for {@code group}, expired ones not yet swept included. */
    int storedLeases(String group) {
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return 0;
        }
        synchronized (locks) {
            return locks.leases.size();
        }
    }
}
