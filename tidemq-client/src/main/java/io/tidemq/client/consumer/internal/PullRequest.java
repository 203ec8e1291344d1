package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageQueue;

/**
 * The pull loop of one assigned queue: where to pull next, and the process queue pulled messages go to.
 * At most one pull of a request is in flight (the next is issued from the previous one's callback), so
 * {@link #nextOffset} has one writer at a time; it is volatile because successive writers are different
 * network or timer threads.
 */
public final class PullRequest {

    private final MessageQueue queue;
    private final ProcessQueue processQueue;
    private volatile long nextOffset;

    public PullRequest(MessageQueue queue, ProcessQueue processQueue, long nextOffset) {
        this.queue = queue;
        this.processQueue = processQueue;
        this.nextOffset = nextOffset;
    }

    public MessageQueue queue() {
        return queue;
    }

    public ProcessQueue processQueue() {
        return processQueue;
    }

    public long nextOffset() {
        return nextOffset;
    }

    void nextOffset(long offset) {
        this.nextOffset = offset;
    }

    @Override
    public String toString() {
        return "PullRequest{" + queue + ", nextOffset=" + nextOffset + '}';
    }
}
