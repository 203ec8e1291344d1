package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageExt;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The messages of one assigned queue that were pulled but not yet consumed, keyed by queue offset, plus
 * the figures flow control needs. It answers the one question offset commits depend on: up to where is
 * everything consumed? That is the smallest offset still held (or the next offset to pull when none is),
 * so a commit never passes a message whose consumption has not finished, however out of order consume
 * threads complete.
 *
 * <p>Thread-safety: the pull loop adds, consume threads remove, the committer reads; the tree, the offsets and
 * the parked pull of {@link #pauseWhileFull} are guarded by {@code this}. {@link #messageCount()}, {@link #messageBytes()} and
 * {@link #isDropped()} read volatile copies without locking, for the pull loop's flow-control check.
 */
public final class ProcessQueue {

    /** Guarded by {@code this}. */
    private final TreeMap<Long, MessageExt> inFlight = new TreeMap<>();
    /** The offset after the last pulled one; guarded by {@code this}. */
    private long nextOffset;
    /** Written under {@code this}, read without it. */
    private volatile int messageCount;
    private volatile long messageBytes;
    private volatile boolean dropped;
    /**
     * The pull loop's continuation while flow control holds it back ({@link #pauseWhileFull}); run once, by the
     * consume thread whose removal brings the queue back under the limits. Guarded by {@code this}.
     */
    private Runnable resume;
    /** The limits {@link #resume} waits for; guarded by {@code this}. */
    private int resumeAtMessages;
    private long resumeAtBytes;

    /** A queue whose reading starts at {@code startOffset}. */
    public ProcessQueue(long startOffset) {
        this.nextOffset = startOffset;
    }

    /**
     * Adds pulled messages; {@code nextPullOffset} is where the next pull starts (past messages the
     * broker or the tag filter skipped). Returns how many were new (a re-pulled message is kept once).
     */
    public synchronized int putMessages(List<MessageExt> msgs, long nextPullOffset) {
        int added = 0;
        long bytes = 0;
        for (int i = 0, n = msgs.size(); i < n; i++) {
            MessageExt m = msgs.get(i);
            if (inFlight.putIfAbsent(m.queueOffset(), m) == null) {
                added++;
                bytes += m.body().length;
            }
        }
        messageCount += added;
        messageBytes += bytes;
        if (nextPullOffset > nextOffset) {
            nextOffset = nextPullOffset;
        }
        return added;
    }

    /** Marks messages consumed and returns the offset that is now safe to commit. */
    public synchronized long removeMessages(List<MessageExt> msgs) {
        int removed = 0;
        long bytes = 0;
        for (int i = 0, n = msgs.size(); i < n; i++) {
            MessageExt m = inFlight.remove(msgs.get(i).queueOffset());
            if (m != null) {
                removed++;
                bytes += m.body().length;
            }
        }
        messageCount -= removed;
        messageBytes -= bytes;
        if (resume != null && messageCount <= resumeAtMessages && messageBytes <= resumeAtBytes) {
            Runnable r = resume;
            resume = null;
            r.run();
        }
        return committableOffset();
    }

    /**
     * Flow control without polling: when the queue holds more than {@code maxMessages} messages or
     * {@code maxBytes} body bytes, keeps {@code resume} and returns true; the removal that brings the queue back to
     * both limits runs it, once (it must only hand off, e.g. schedule the next pull, since it runs under this
     * queue's lock on a consume thread). Returns false, keeping nothing, when the queue is already within them.
     * A dropped queue never resumes.
     */
    public synchronized boolean pauseWhileFull(int maxMessages, long maxBytes, Runnable resume) {
        if (dropped) {
            return true; // its pull loop ends
        }
        if (messageCount <= maxMessages && messageBytes <= maxBytes) {
            return false;
        }
        this.resume = resume;
        this.resumeAtMessages = maxMessages;
        this.resumeAtBytes = maxBytes;
        return true;
    }

    /** Whether a pull loop is parked by {@link #pauseWhileFull} (tests). */
    synchronized boolean isPaused() {
        return resume != null;
    }

    /**
     * The first {@code max} messages held, in offset order, without removing them (ordered consumption takes
     * the head of the queue and removes it only once it is consumed).
     */
    public synchronized List<MessageExt> firstMessages(int max) {
        List<MessageExt> out = new ArrayList<>(Math.min(max, inFlight.size()));
        for (MessageExt m : inFlight.values()) {
            if (out.size() == max) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    /** The smallest offset not yet consumed: commit this and nothing unconsumed is skipped. */
    public synchronized long committableOffset() {
        return inFlight.isEmpty() ? nextOffset : inFlight.firstKey();
    }

    /**
     * Moves the next pull offset to {@code offset}, also backwards: the broker said the old one is out of
     * the queue's range. Messages still held keep holding back the committable offset.
     */
    public synchronized void resetNextOffset(long offset) {
        nextOffset = offset;
    }

    /** The offset after the last pulled message (the next pull's start). */
    public synchronized long nextOffset() {
        return nextOffset;
    }

    /** The in-flight span: last held offset minus first, 0 when empty or holding one. */
    public synchronized long offsetSpan() {
        return inFlight.isEmpty() ? 0 : inFlight.lastKey() - inFlight.firstKey();
    }

    public int messageCount() {
        return messageCount;
    }

    public long messageBytes() {
        return messageBytes;
    }

    public boolean isDropped() {
        return dropped;
    }

    /** Stops this queue's pull loop and makes consume results for it ignored; the queue was revoked. */
    public void markDropped() {
        dropped = true;
        synchronized (this) {
            resume = null;
        }
    }
}
