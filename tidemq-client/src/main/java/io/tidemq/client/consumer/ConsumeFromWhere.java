package io.tidemq.client.consumer;

/** Where a group starts reading a queue it has never committed an offset for. */
public enum ConsumeFromWhere {
    /** From the oldest message still stored (the queue's minimum offset). */
    FIRST,
    /** From the next message to arrive (the queue's maximum offset). */
    LAST
}
