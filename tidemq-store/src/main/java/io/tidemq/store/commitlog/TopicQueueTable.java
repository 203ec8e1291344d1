package io.tidemq.store.commitlog;

import java.util.HashMap;
import java.util.Map;

/**
 * Next queue offset per {@code topic-queueId}. Guarded by the CommitLog's append lock (recovery fills it before
 * appends start), so a plain HashMap with mutable holders: no boxing and no allocation per append once a queue
 * has been seen.
 */
final class TopicQueueTable {

    private static final class Counter {
        long next;
    }

    private final Map<String, Counter> nextOffsets = new HashMap<>();

    /** The next offset for {@code key} without advancing it. */
    long peek(String key) {
        Counter counter = nextOffsets.get(key);
        return counter == null ? 0 : counter.next;
    }

    /** Returns the next offset for {@code key} and advances it by {@code count}. */
    long advance(String key, int count) {
        Counter counter = nextOffsets.get(key);
        if (counter == null) {
            counter = new Counter();
            nextOffsets.put(key, counter);
        }
        long first = counter.next;
        counter.next = first + count;
        return first;
    }

    void set(String key, long nextOffset) {
        nextOffsets.computeIfAbsent(key, k -> new Counter()).next = nextOffset;
    }

    void clear() {
        nextOffsets.clear();
    }

    int size() {
        return nextOffsets.size();
    }
}
