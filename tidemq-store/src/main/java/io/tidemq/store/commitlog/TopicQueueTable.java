package io.tidemq.store.commitlog;

import java.util.HashMap;
import java.util.Map;

/**
 * Next queue offset per {@code topic-queueId}. Guarded by the CommitLog's append lock (recovery fills it before
 * appends start), so a plain HashMap with mutable holders: no boxing and no allocation per append once a queue
 * has been seen.
 */
final class TopicQueueTable {

    /** The next offset of one queue; mutated only under the append lock. */
    static final class Counter {
        long next;
    }

    private final Map<String, Counter> nextOffsets = new HashMap<>();

    /** The next offset for {@code key} without advancing it. */
    long peek(String key) {
        Counter counter = nextOffsets.get(key);
        return counter == null ? 0 : counter.next;
    }

    /** The counter of {@code key}, created at 0 when missing: one hash lookup per append. */
    Counter counter(String key) {
        Counter counter = nextOffsets.get(key);
        if (counter == null) {
            counter = new Counter();
            nextOffsets.put(key, counter);
        }
        return counter;
    }

    void set(String key, long nextOffset) {
        nextOffsets.computeIfAbsent(key, k -> new Counter()).next = nextOffset;
    }

    void clear() {
        nextOffsets.clear();
    }
}
