package io.tidemq.client.consumer;

/** The outcome of one {@link MessageListenerOrderly} call, for the whole batch it was given. */
public enum ConsumeOrderlyStatus {
    /** Consumed: the offset moves past the batch and the queue goes on with the next messages. */
    SUCCESS,
    /**
     * Not consumed: the queue pauses for {@code suspendCurrentQueueTimeMs}, then the same messages are handed
     * again; nothing after them is consumed meanwhile, so the order holds.
     */
    SUSPEND_CURRENT_QUEUE_A_MOMENT
}
