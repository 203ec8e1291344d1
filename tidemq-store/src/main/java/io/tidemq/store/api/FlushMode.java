package io.tidemq.store.api;

/** When an append is acknowledged relative to its fsync. */
public enum FlushMode {
    /**
     * Acknowledge once the bytes are in the page cache; a background thread flushes every
     * {@code flushIntervalMs}. A process crash loses nothing, an OS crash or power loss loses the last interval.
     */
    ASYNC,
    /**
     * Acknowledge only after fsync. Concurrent appenders share one fsync (group commit), so throughput grows
     * with concurrency instead of being one fsync per message.
     */
    SYNC
}
