package io.tidemq.broker.lock;

import io.tidemq.common.message.MessageQueue;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Which client of a consumer group may consume a queue in order: (group, queue) → client id, each lock a lease
 * that lives {@code leaseMs} after its last grant or renewal. Ordered consumers lock the queues the rebalance
 * gave them before they read them, renew the locks well inside the lease, and unlock a queue they give up
 * once its in-flight message is consumed and its offset committed. A queue held by a client whose lease ran out
 * (it crashed or lost its connection) goes to the next client that asks.
 *
 * <p>Lock and unlock requests may carry the client's request sequence number (increasing per client). An
 * unlock leaves a marker for one lease that refuses the same client's lock requests numbered below the unlock:
 * a renewal the client sent before it released the queue, but that the broker serves after the release, can
 * therefore not hand the queue back to a client that has forgotten it.
 *
 * <p>Who holds what is saved by {@link QueueLockFile} whenever a holder changes ({@link #version()} counts the
 * changes) and restored with {@link #restore} at start, where each lock gets a full lease: a restart never frees
 * a queue whose holder may still be consuming it. Expired leases and markers, and groups left without any, are
 * removed by {@link #sweep} (run on a timer), so the table keeps only live locks.
 *
 * <p>Thread-safety: request threads of any number call in. Each group's lock map is guarded by its own monitor,
 * so one batch is granted atomically (no client sees half of another's batch) and groups never contend with one
 * another. A group emptied by the sweep is marked removed under its monitor before it leaves the map; a caller
 * that finds it removed takes the group's new entry. Time comes from a monotonic millisecond clock, so a
 * wall-clock jump neither frees nor pins a lock.
 */
public final class QueueLockTable {

    /** No sequence number: the request came from a client that does not send one. */
    public static final long NO_SEQ = -1;

    /**
     * One lease, or (when {@code released}) the marker an unlock leaves: immutable, replaced on renewal. A marker
     * holds no lock; it refuses {@code clientId}'s lock requests numbered below {@code releasedSeq}.
     */
    private record Lease(String clientId, long expiresAtMs, boolean released, long releasedSeq) {
        boolean liveAt(long nowMs) {
            return nowMs < expiresAtMs;
        }

        boolean heldAt(long nowMs) {
            return !released && liveAt(nowMs);
        }
    }

    /** The leases of one group; every field guarded by the instance's monitor. */
    private static final class GroupLocks {
        final Map<MessageQueue, Lease> leases = new HashMap<>();
        /** When expired leases are next swept out by a lock request of the group. */
        long nextSweepMs;
        /** Set by the sweep as it removes this (empty) group from the table; callers then take the new entry. */
        boolean removed;
    }

    /** A lock as the admin view shows it. */
    public record LockView(String clientId, long remainingMs) {
    }

    private final long leaseMs;
    private final LongSupplier clockMs;
    /** Group → its leases; an entry leaves only empty and marked removed, under its monitor. */
    private final Map<String, GroupLocks> groups = new ConcurrentHashMap<>();
    /** Bumped (inside the group's monitor) whenever a queue's holder changes; read by {@link QueueLockFile}. */
    private final AtomicLong version = new AtomicLong();

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

    /** How many times a queue's holder changed; a snapshot taken after reading it contains those changes. */
    public long version() {
        return version.get();
    }

    /** {@link #tryLock(String, String, Collection, long)} without a sequence number. */
    public Set<MessageQueue> tryLock(String group, String clientId, Collection<MessageQueue> queues) {
        return tryLock(group, clientId, queues, NO_SEQ);
    }

    /**
     * Locks (or renews) {@code queues} for {@code clientId}: a queue that is free, expired or already held by this
     * client is granted and its lease restarts now; a queue held by another client's live lease is not, and
     * neither is one this client released by an unlock numbered above {@code seq} (a late renewal).
     *
     * @param seq the request's sequence number, or {@link #NO_SEQ}
     * @return the queues {@code clientId} holds now, out of those asked for
     */
    public Set<MessageQueue> tryLock(String group, String clientId, Collection<MessageQueue> queues, long seq) {
        Set<MessageQueue> granted = new TreeSet<>();
        while (true) {
            GroupLocks locks = groups.computeIfAbsent(group, g -> new GroupLocks());
            synchronized (locks) {
                if (locks.removed) {
                    continue;
                }
                long now = clockMs.getAsLong();
                sweepIfDue(locks, now);
                Lease fresh = new Lease(clientId, now + leaseMs, false, NO_SEQ);
                boolean changed = false;
                for (MessageQueue mq : queues) {
                    Lease held = locks.leases.get(mq);
                    if (held != null && held.released() && held.liveAt(now) && held.clientId().equals(clientId)
                            && seq != NO_SEQ && seq < held.releasedSeq()) {
                        continue; // sent before this client's own unlock of the queue
                    }
                    if (held == null || !held.heldAt(now) || held.clientId().equals(clientId)) {
                        changed |= held == null || !held.heldAt(now);
                        locks.leases.put(mq, fresh);
                        granted.add(mq);
                    }
                }
                if (changed) {
                    version.incrementAndGet();
                }
                return granted;
            }
        }
    }

    /** A lock request sweeps its group at most once per lease length, between the timer's sweeps. */
    private void sweepIfDue(GroupLocks locks, long now) {
        if (now >= locks.nextSweepMs) {
            locks.leases.values().removeIf(lease -> !lease.liveAt(now));
            locks.nextSweepMs = now + leaseMs;
        }
    }

    /** {@link #unlock(String, String, Collection, long)} without a sequence number. */
    public int unlock(String group, String clientId, Collection<MessageQueue> queues) {
        return unlock(group, clientId, queues, NO_SEQ);
    }

    /**
     * Releases the locks {@code clientId} holds on {@code queues}; queues locked by another client stay locked.
     * With a sequence number, the released queues refuse this client's lock requests numbered below it for one
     * lease.
     *
     * @return how many locks were released
     */
    public int unlock(String group, String clientId, Collection<MessageQueue> queues, long seq) {
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return 0;
        }
        int released = 0;
        synchronized (locks) {
            if (locks.removed) {
                return 0;
            }
            long now = clockMs.getAsLong();
            for (MessageQueue mq : queues) {
                Lease held = locks.leases.get(mq);
                if (held != null && !held.released() && held.clientId().equals(clientId)) {
                    if (seq == NO_SEQ) {
                        locks.leases.remove(mq);
                    } else {
                        locks.leases.put(mq, new Lease(clientId, now + leaseMs, true, seq));
                    }
                    released++;
                }
            }
            if (released > 0) {
                version.incrementAndGet();
            }
        }
        return released;
    }

    /**
     * Removes expired leases and unlock markers of every group, and the groups left with none. Run on a timer,
     * so the table forgets groups that stopped locking.
     *
     * @return how many entries were removed
     */
    public int sweep() {
        long now = clockMs.getAsLong();
        int removed = 0;
        for (Map.Entry<String, GroupLocks> e : groups.entrySet()) {
            GroupLocks locks = e.getValue();
            synchronized (locks) {
                int before = locks.leases.size();
                locks.leases.values().removeIf(lease -> !lease.liveAt(now));
                removed += before - locks.leases.size();
                if (locks.leases.isEmpty() && !locks.removed) {
                    locks.removed = true;
                    groups.remove(e.getKey(), locks);
                }
            }
        }
        if (removed > 0) {
            version.incrementAndGet();
        }
        return removed;
    }

    /**
     * Restores a lock saved before a restart: {@code clientId} holds {@code mq} for a full lease from now, the
     * longest its own lease (counted from a request sent before the restart) can still run.
     */
    public void restore(String group, MessageQueue mq, String clientId) {
        while (true) {
            GroupLocks locks = groups.computeIfAbsent(group, g -> new GroupLocks());
            synchronized (locks) {
                if (locks.removed) {
                    continue;
                }
                locks.leases.put(mq, new Lease(clientId, clockMs.getAsLong() + leaseMs, false, NO_SEQ));
                return;
            }
        }
    }

    /** Group → queue → holder of every live lock, for {@link QueueLockFile}; read {@link #version()} first. */
    public Map<String, Map<MessageQueue, String>> holders() {
        Map<String, Map<MessageQueue, String>> out = new TreeMap<>();
        long now = clockMs.getAsLong();
        groups.forEach((group, locks) -> {
            Map<MessageQueue, String> held = new TreeMap<>();
            synchronized (locks) {
                locks.leases.forEach((mq, lease) -> {
                    if (lease.heldAt(now)) {
                        held.put(mq, lease.clientId());
                    }
                });
            }
            if (!held.isEmpty()) {
                out.put(group, held);
            }
        });
        return out;
    }

    /** The client holding a live lock on {@code mq} for {@code group}, or {@code null} when it is free. */
    public String holder(String group, MessageQueue mq) {
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return null;
        }
        synchronized (locks) {
            Lease held = locks.leases.get(mq);
            return held != null && held.heldAt(clockMs.getAsLong()) ? held.clientId() : null;
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
                if (lease.heldAt(now)) {
                    out.put(mq, new LockView(lease.clientId(), lease.expiresAtMs() - now));
                }
            });
        }
        return out;
    }

    /** How many leases and markers the table keeps for {@code group}, expired ones not yet swept included. */
    int storedLeases(String group) {
        GroupLocks locks = groups.get(group);
        if (locks == null) {
            return 0;
        }
        synchronized (locks) {
            return locks.leases.size();
        }
    }

    /** How many groups the table keeps. */
    int groupCount() {
        return groups.size();
    }
}
