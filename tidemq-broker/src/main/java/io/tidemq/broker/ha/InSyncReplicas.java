package io.tidemq.broker.ha;

import io.tidemq.common.protocol.ResponseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Master side: each slave's acknowledged offset (its last fetch offset), the in-sync replica set and the commit
 * point. The commit point is {@code min(master log end, ack of every in-sync slave)}; it never moves back, and it
 * does not move at all while fewer than {@code minInSyncReplicas} replicas (the master included) are in sync
 * (KIP-966 strict). SYNC puts wait here, keyed by their end offset, until the commit point passes them.
 *
 * <p>A slave leaves the set when it has not caught up with the master's end for {@code replicaLagMaxMs} (Kafka's
 * rule: caught up at a fetch whose offset reached the log end of the previous fetch); it joins again once its
 * ack reaches the commit point and the start of the current epoch.
 *
 * <p>Thread-safety: replica state is guarded by this; the commit point is volatile; waiters are a concurrent
 * map completed outside the lock, on the thread that moved the commit point (an HA thread), or failed by the
 * periodic sweep for expired ones ({@link #expireWaiters}, the master's {@code tidemq-ha-hold} thread) - one shared
 * sweep instead of a timer entry per send, added and cancelled on the send's path.
 */
final class InSyncReplicas {

    private static final Logger log = LoggerFactory.getLogger(InSyncReplicas.class);

    /** One slave as the master sees it. Guarded by the enclosing InSyncReplicas. */
    static final class Replica {
        final int replicaId;
        UUID storeUuid;
        long incarnation;
        long ackOffset;
        long lastFetchMs;
        long masterEndAtLastFetch;
        long lastCaughtUpMs;
        boolean inSync;

        Replica(int replicaId) {
            this.replicaId = replicaId;
        }
    }

    /** What {@code admin cluster} shows of one slave. */
    record ReplicaView(int replicaId, String storeUuid, long incarnation, long ackOffset, long lagBytes,
                       long lagMs, boolean inSync) {
    }

    private final int minInSyncReplicas;
    private final long replicaLagMaxMs;
    private final LongSupplier masterEnd;
    private final LongSupplier clockMs;
    private final LongConsumer onCommitPointMoved;
    /** Guarded by this. */
    private final Map<Integer, Replica> replicas = new HashMap<>();
    /** Guarded by this: where the current master epoch began; a slave joins the set only past it. */
    private final long epochStartOffset;
    private volatile long commitPoint;
    /**
     * With a controller: the in-sync set the controller holds (ids, the master's own included), or null without
     * one. A replica in it counts for the commit point even after it left the local set, until the controller
     * takes the smaller set: the controller may elect any member of its set, so none may miss an acknowledged
     * message. One it names that never fetched from this master holds the commit point where it is. Written by
     * the controller follower's threads, read under this object's lock.
     */
    private volatile java.util.Set<Integer> controllerInSync;
    /** A SYNC put waiting for the commit point until its deadline. */
    private static final class Waiter extends CompletableFuture<Void> {
        final long deadlineMs;
        final long timeoutMs;

        Waiter(long deadlineMs, long timeoutMs) {
            this.deadlineMs = deadlineMs;
            this.timeoutMs = timeoutMs;
        }
    }

    /**
     * SYNC puts waiting for the commit point, by their end offset (unique: puts never overlap). In offset order the
     * deadlines rise too, up to the few microseconds by which two senders' appends and waits may cross. Removed by
     * the thread that completes or fails one (map removal decides, once).
     */
    private final ConcurrentSkipListMap<Long, Waiter> waiters = new ConcurrentSkipListMap<>();
    /** Why {@link #failAll} failed the waiting puts, or null; set once, before the waiters are failed. */
    private volatile String failedAll;

    /** The master's own replica id (never a slave here); -1 when the set has no controller. */
    private volatile int selfId = -1;

    InSyncReplicas(int minInSyncReplicas, long replicaLagMaxMs, long initialCommitPoint, long epochStartOffset,
                   LongSupplier masterEnd, LongSupplier clockMs, LongConsumer onCommitPointMoved) {
        this.minInSyncReplicas = minInSyncReplicas;
        this.replicaLagMaxMs = replicaLagMaxMs;
        this.commitPoint = initialCommitPoint;
        this.epochStartOffset = epochStartOffset;
        this.masterEnd = masterEnd;
        this.clockMs = clockMs;
        this.onCommitPointMoved = onCommitPointMoved;
    }

    long commitPoint() {
        return commitPoint;
    }

    /** Replicas in sync, the master included. */
    synchronized int inSyncCount() {
        int n = 1;
        for (Replica replica : replicas.values()) {
            if (replica.inSync) {
                n++;
            }
        }
        return n;
    }

    /**
     * A slave's handshake. A slave whose store UUID changed (a wiped disk) starts over outside the set: what it
     * acknowledged before is gone.
     */
    void onHello(int replicaId, UUID storeUuid, long incarnation, long slaveEnd) {
        synchronized (this) {
            Replica replica = replicas.computeIfAbsent(replicaId, Replica::new);
            if (replica.storeUuid != null && !replica.storeUuid.equals(storeUuid)) {
                log.warn("replica {} comes back with a new store (UUID {} instead of {}): its disk was wiped or"
                        + " replaced; it leaves the in-sync set and re-syncs from its log start", replicaId,
                        storeUuid, replica.storeUuid);
                leave(replica, "new store UUID");
            } else if (replica.incarnation != incarnation && replica.inSync) {
                log.info("replica {} restarted (incarnation {} -> {}); it stays in sync only if it catches up"
                        + " within replicaLagMaxMs", replicaId, replica.incarnation, incarnation);
            }
            replica.storeUuid = storeUuid;
            replica.incarnation = incarnation;
            replica.ackOffset = Math.min(slaveEnd, masterEnd.getAsLong());
            long now = clockMs.getAsLong();
            replica.lastFetchMs = now;
            replica.masterEndAtLastFetch = masterEnd.getAsLong();
            if (!replica.inSync) {
                replica.lastCaughtUpMs = now;
            }
        }
        recompute();
    }

    /** A fetch from {@code fetchOffset}: everything below it is held by the slave. */
    void onFetch(int replicaId, long fetchOffset) {
        synchronized (this) {
            Replica replica = replicas.get(replicaId);
            if (replica == null) {
                return;
            }
            long now = clockMs.getAsLong();
            long end = masterEnd.getAsLong();
            replica.ackOffset = Math.max(replica.ackOffset, fetchOffset);
            if (fetchOffset >= end) {
                replica.lastCaughtUpMs = now;
            } else if (fetchOffset >= replica.masterEndAtLastFetch) {
                replica.lastCaughtUpMs = Math.max(replica.lastCaughtUpMs, replica.lastFetchMs);
            }
            replica.lastFetchMs = now;
            replica.masterEndAtLastFetch = end;
            if (!replica.inSync && replica.ackOffset >= commitPoint && replica.ackOffset >= epochStartOffset
                    && now - replica.lastCaughtUpMs <= replicaLagMaxMs) {
                replica.inSync = true;
                log.info("ISR grew: replica {} caught up at offset {}; {} replica(s) in sync", replicaId,
                        replica.ackOffset, inSyncCount());
            }
        }
        recompute();
    }

    /** Removes slaves that lag more than replicaLagMaxMs from the set. Called periodically. */
    void checkLag() {
        synchronized (this) {
            long now = clockMs.getAsLong();
            long end = masterEnd.getAsLong();
            for (Replica replica : replicas.values()) {
                if (replica.ackOffset >= end) {
                    // holds everything (its fetch waits at the log end): nothing to lag behind
                    replica.lastCaughtUpMs = now;
                }
                if (replica.inSync && now - replica.lastCaughtUpMs > replicaLagMaxMs) {
                    leave(replica, "not caught up for " + (now - replica.lastCaughtUpMs) + " ms (replicaLagMaxMs="
                            + replicaLagMaxMs + ")");
                }
            }
        }
        recompute();
    }

    private void leave(Replica replica, String why) {
        if (replica.inSync) {
            replica.inSync = false;
            log.warn("ISR shrank: replica {} left the in-sync set ({}); {} replica(s) in sync", replica.replicaId,
                    why, inSyncCount());
        }
    }

    /** The controller's in-sync set for this master's epoch (null: no controller); moves the commit point if it can. */
    void useControllerInSync(int masterId, java.util.Set<Integer> ids) {
        selfId = masterId;
        controllerInSync = ids == null ? null : java.util.Set.copyOf(ids);
        recompute();
    }

    /** Moves the commit point as far as every in-sync replica holds, then completes the puts it passed. */
    void recompute() {
        long moved = -1;
        synchronized (this) {
            if (inSyncCount() >= minInSyncReplicas) {
                long point = masterEnd.getAsLong();
                java.util.Set<Integer> required = controllerInSync;
                for (Replica replica : replicas.values()) {
                    if (replica.inSync || required != null && required.contains(replica.replicaId)) {
                        point = Math.min(point, replica.ackOffset);
                    }
                }
                if (required != null) {
                    for (int id : required) {
                        if (id != selfId && !replicas.containsKey(id)) {
                            point = Math.min(point, commitPoint); // named by the controller, never fetched here
                        }
                    }
                }
                if (point > commitPoint) {
                    commitPoint = point;
                    moved = point;
                }
            }
        }
        if (moved >= 0) {
            onCommitPointMoved.accept(moved);
            completeUpTo(moved);
        }
    }

    private void completeUpTo(long point) {
        ConcurrentNavigableMap<Long, Waiter> done = waiters.headMap(point, true);
        while (!done.isEmpty()) {
            Map.Entry<Long, Waiter> first = done.pollFirstEntry();
            if (first != null) {
                first.getValue().complete(null);
            }
        }
    }

    /**
     * Fails at once when fewer than {@code minInSyncReplicas} replicas are in sync.
     *
     * @throws ReplicationException IN_SYNC_REPLICAS_NOT_ENOUGH
     */
    void checkEnoughInSync() {
        int n = inSyncCount();
        if (n < minInSyncReplicas) {
            throw new ReplicationException(ResponseCode.IN_SYNC_REPLICAS_NOT_ENOUGH, "only " + n
                    + " replica(s) of this broker group are in sync (the master included) but minInSyncReplicas="
                    + minInSyncReplicas + "; nothing was stored. Retry later or send to another broker group;"
                    + " check that the slaves run and reach the master's haListenPort");
        }
    }

    /**
     * Completes when every in-sync replica holds everything below {@code endOffset}, or fails with
     * FLUSH_SLAVE_TIMEOUT once {@code timeoutMs} passed, at the first {@link #expireWaiters} after it (the record
     * stays stored).
     */
    CompletableFuture<Void> awaitCommit(long endOffset, long timeoutMs) {
        if (commitPoint >= endOffset) {
            return CompletableFuture.completedFuture(null);
        }
        Waiter waiter = new Waiter(clockMs.getAsLong() + timeoutMs, timeoutMs);
        waiters.put(endOffset, waiter);
        if (commitPoint >= endOffset) {
            waiters.remove(endOffset, waiter);
            return CompletableFuture.completedFuture(null);
        }
        String closed = failedAll;
        if (closed != null) {
            // the master side closed between this put and its wait: no sweep would ever fail it
            waiters.remove(endOffset, waiter);
            waiter.completeExceptionally(new ReplicationException(ResponseCode.FLUSH_SLAVE_TIMEOUT, closed));
            return waiter;
        }
        recompute(); // a set of the master alone commits at once
        return waiter;
    }

    /**
     * Fails the waiting puts whose deadline passed with FLUSH_SLAVE_TIMEOUT. Walks from the lowest offset and stops at
     * the first put still in time: a put whose deadline crossed a lower one's by a few microseconds fails at the next
     * sweep. Called periodically (the hold thread, at least every tenth of {@code replicaAckTimeoutMs}).
     *
     * @return the deadline of the first put still waiting (clock milliseconds), or {@code Long.MAX_VALUE}
     */
    long expireWaiters() {
        long now = clockMs.getAsLong();
        for (Map.Entry<Long, Waiter> entry : waiters.entrySet()) {
            Waiter waiter = entry.getValue();
            if (waiter.deadlineMs > now) {
                return waiter.deadlineMs;
            }
            if (waiters.remove(entry.getKey(), waiter)) {
                waiter.completeExceptionally(new ReplicationException(ResponseCode.FLUSH_SLAVE_TIMEOUT,
                        "the message was stored on the master but the in-sync slaves did not confirm it within "
                                + waiter.timeoutMs + " ms (replicaAckTimeoutMs); it may be delivered, retry only if"
                                + " duplicates are acceptable"));
            }
        }
        return Long.MAX_VALUE;
    }

    /** Fails every waiting put and every later one (the master side closes: a role change or a shutdown). */
    void failAll(String why) {
        failedAll = why;
        List<Waiter> all = new ArrayList<>(waiters.values());
        waiters.clear();
        all.forEach(f -> f.completeExceptionally(new ReplicationException(ResponseCode.FLUSH_SLAVE_TIMEOUT, why)));
    }

    synchronized List<ReplicaView> view() {
        long now = clockMs.getAsLong();
        long end = masterEnd.getAsLong();
        List<ReplicaView> out = new ArrayList<>();
        for (Replica r : replicas.values()) {
            out.add(new ReplicaView(r.replicaId, String.valueOf(r.storeUuid), r.incarnation, r.ackOffset,
                    Math.max(0, end - r.ackOffset), r.ackOffset >= end ? 0 : now - r.lastCaughtUpMs, r.inSync));
        }
        out.sort((a, b) -> Integer.compare(a.replicaId(), b.replicaId()));
        return out;
    }
}
