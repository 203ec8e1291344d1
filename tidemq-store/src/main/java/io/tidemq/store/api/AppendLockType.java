package io.tidemq.store.api;

/**
 * Which single-writer lock serializes CommitLog appends ({@link StoreConfig#appendLockType()}). Which one wins
 * depends on the load; {@code CommitLogAppendBenchmark} in tidemq-benchmarks measures them.
 */
public enum AppendLockType {
    /**
     * Busy-waits with {@link Thread#onSpinWait()}, yielding after a while. Cheapest when the lock is
     * uncontended or held for well under a microsecond by few threads.
     */
    SPIN,
    /** Parks waiting threads. Wins when many threads contend on few cores. */
    REENTRANT
}
