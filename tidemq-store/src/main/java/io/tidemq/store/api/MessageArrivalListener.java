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

    /**
     * Whether this listener waits for an arrival right now (the broker: a long-polling pull is held). Only then
     * does an ASYNC append wake an idle dispatcher at once; otherwise the dispatcher finds new records at the end
     * of its idle park (at most a millisecond). Waking it for every append made each append pay a thread wake-up
     * under load (the dispatcher, always just idle, dispatched one record per wake: 2.5 us of dispatch CPU per
     * message instead of 1). Called on appending threads while the dispatcher is idle: must be cheap and must not
     * block. Default: always.
     */
    default boolean waitingForArrivals() {
        return true;
    }
}
