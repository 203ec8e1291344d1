package io.tidemq.client.offset;

import io.tidemq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Offsets of a clustering consumer group, kept by the brokers (each queue's offset on the broker that
 * hosts the queue). Only offsets that changed since the last commit are sent. The broker only moves an offset
 * forward, so a late commit of a member that lost the queue cannot undo the next owner's progress; an offset set
 * below the last one this store committed or read (a seek back) is sent as an explicit rewind.
 */
public final class RemoteOffsetStore implements OffsetStore {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteOffsetStore.class);

    private final String group;
    private final OffsetRemote remote;
    /** In-memory offsets; values updated by consume threads with CAS. */
    private final Map<MessageQueue, AtomicLong> offsets = new ConcurrentHashMap<>();
    /** Last value the broker acknowledged per queue; written by whichever thread persists. */
    private final Map<MessageQueue, Long> committed = new ConcurrentHashMap<>();

    public RemoteOffsetStore(String group, OffsetRemote remote) {
        this.group = group;
        this.remote = remote;
    }

    @Override
    public void load() {
        // broker-side offsets are read per queue when the queue is assigned
    }

    @Override
    public void update(MessageQueue mq, long offset, boolean increaseOnly) {
        AtomicLong cur = offsets.computeIfAbsent(mq, q -> new AtomicLong(NONE));
        if (!increaseOnly) {
            cur.set(offset);
            return;
        }
        long prev;
        do {
            prev = cur.get();
            if (offset <= prev) {
                return;
            }
        } while (!cur.compareAndSet(prev, offset));
    }

    @Override
    public long readLocal(MessageQueue mq) {
        AtomicLong cur = offsets.get(mq);
        return cur == null ? NONE : cur.get();
    }

    @Override
    public long readStored(MessageQueue mq) {
        long offset = remote.queryOffset(group, mq);
        if (offset >= 0) {
            update(mq, offset, false);
            committed.put(mq, offset);
        }
        return offset;
    }

    @Override
    public void persist(MessageQueue mq) {
        long offset = readLocal(mq);
        if (offset < 0) {
            return;
        }
        Long last = committed.get(mq);
        if (last != null && last == offset) {
            return;
        }
        try {
            // only a seek (or an offset correction) lowers the in-memory offset below what this store committed
            long kept = last != null && offset < last
                    ? remote.rewindOffset(group, mq, offset)
                    : remote.commitOffset(group, mq, offset);
            committed.put(mq, Math.min(kept, offset));
            if (kept < offset) {
                // past the queue's end (a seek too far, a queue truncated by a crash): the broker kept the end;
                // follow it, or later commits would move the group past messages stored there from now on
                AtomicLong cur = offsets.get(mq);
                if (cur != null) {
                    cur.compareAndSet(offset, kept);
                }
                LOG.warn("group {}: offset {} of {} is past the queue's end; the broker kept {}", group, offset, mq,
                        kept);
            }
        } catch (RuntimeException e) {
            LOG.warn("group {}: commit of offset {} for {} failed; it is retried on the next commit: {}",
                    group, offset, mq, e.getMessage());
        }
    }

    @Override
    public void persistAll(Collection<MessageQueue> mqs) {
        mqs.forEach(this::persist);
    }

    @Override
    public void remove(MessageQueue mq) {
        offsets.remove(mq);
        committed.remove(mq);
    }
}
