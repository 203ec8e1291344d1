package io.tidemq.namesrv.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The registry's position (last applied sequence and its epoch) and a ring of the most recent operations, from
 * which a backup that fell behind is caught up (and, in CHAIN mode, the ops sent to a successor but not yet
 * acknowledged are re-sent). Appended to only on the NameServer's event thread, in sequence order; read by the
 * replication thread. Every field is guarded by {@code this}.
 */
public final class OpLog {

    /** An operation and when this NameServer appended it (the start of a backup's lag). */
    private record Entry(RegistryOp op, long appendedMs) {
    }

    private final int capacity;
    /** Consecutive sequences, oldest first; guarded by {@code this}. */
    private final ArrayDeque<Entry> ring;
    /** Guarded by {@code this}. */
    private long lastSeq;
    /** Epoch of the operation at lastSeq (0 before any); guarded by {@code this}. */
    private long lastEpoch;

    public OpLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the operation ring needs room for at least 1 operation, was " + capacity);
        }
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * Appends the next operation.
     *
     * @throws IllegalArgumentException when {@code op.seq()} is not lastSeq + 1 (the history would have a hole)
     */
    public synchronized void append(RegistryOp op, long nowMs) {
        if (op.seq() != lastSeq + 1) {
            throw new IllegalArgumentException("operation " + op.seq() + " does not follow " + lastSeq);
        }
        if (ring.size() == capacity) {
            ring.pollFirst();
        }
        ring.addLast(new Entry(op, nowMs));
        lastSeq = op.seq();
        lastEpoch = op.epoch();
    }

    /** Forgets every operation and continues after {@code seq} (a snapshot of the registry at seq was installed). */
    public synchronized void reset(long seq, long epoch) {
        ring.clear();
        lastSeq = seq;
        lastEpoch = epoch;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized long lastEpoch() {
        return lastEpoch;
    }

    /** The oldest sequence still in the ring (lastSeq + 1 when it is empty). */
    public synchronized long firstSeq() {
        return ring.isEmpty() ? lastSeq + 1 : ring.peekFirst().op().seq();
    }

    public synchronized int size() {
        return ring.size();
    }

    /**
     * Up to {@code max} operations after sequence {@code after}, in order; empty when there is none; null when the
     * ring no longer holds {@code after + 1} (the reader needs a snapshot).
     */
    public synchronized List<RegistryOp> after(long after, int max) {
        if (after >= lastSeq) {
            return List.of();
        }
        if (after + 1 < firstSeq()) {
            return null;
        }
        List<RegistryOp> ops = new ArrayList<>(Math.min(max, (int) Math.min(Integer.MAX_VALUE, lastSeq - after)));
        Iterator<Entry> it = ring.iterator();
        while (it.hasNext() && ops.size() < max) {
            RegistryOp op = it.next().op();
            if (op.seq() > after) {
                ops.add(op);
            }
        }
        return ops;
    }

    /**
     * Whether this log holds an operation at {@code seq} with {@code epoch}, so a reader at that position shares
     * this history: seq 0 always matches, the last position matches by its epoch, others are looked up in the ring.
     * A position beyond lastSeq or older than the ring does not match.
     */
    public synchronized boolean matches(long seq, long epoch) {
        if (seq == 0) {
            return true;
        }
        if (seq > lastSeq) {
            return false;
        }
        if (seq == lastSeq) {
            return epoch == lastEpoch;
        }
        for (Entry e : ring) {
            if (e.op().seq() == seq) {
                return e.op().epoch() == epoch;
            }
        }
        return false;
    }

    /** When the operation after {@code seq} was appended here, or -1 when none follows or it left the ring. */
    public synchronized long appendedMsAfter(long seq) {
        if (seq >= lastSeq) {
            return -1;
        }
        for (Entry e : ring) {
            if (e.op().seq() == seq + 1) {
                return e.appendedMs();
            }
        }
        return -1;
    }

    /** Every operation in the ring, oldest first (status and tests). */
    public synchronized List<RegistryOp> ops() {
        return ring.stream().map(Entry::op).toList();
    }
}
