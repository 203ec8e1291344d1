package io.tidemq.store.api;

/**
 * Told that new records became readable in a queue, after every dispatcher has seen them. The broker's long
 * polling wakes suspended pulls from it. Called on the {@code tidemq-dispatch} thread: return quickly.
 */
@FunctionalInterface
public interface MessageArrivalListener {

    /**
     * @param maxQueueOffset one past the newest readable queue offset of that queue
     */
    void onArrival(String topic, int queueId, long maxQueueOffset);
}
