package io.tidemq.store.commitlog;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Next queue offset per topic and queue id. Guarded by the CommitLog's append lock (recovery fills it before
 * appends start), so plain maps with mutable holders: no boxing and no allocation per append once a queue has
 * been seen.
 *
 * <p>One hash lookup per append, by topic (whose {@code String} caches its hash), then an array index by queue
 * id: no {@code topic-queueId} key is built per message, and 10 000 queues in 1 250 topics are 1 250 map entries
 * (issue 10's many-queues benchmark), not 10 000.
 */
final class TopicQueueTable {

    /** Queue ids below this are kept in a per-topic array; larger ones (never seen in practice) in a map. */
    static final int DENSE_QUEUE_IDS = 1024;

    /** The next offset of one queue; mutated only under the append lock. */
    static final class Counter {
        long next;
    }

    /** The counters of one topic's queues. */
    private static final class TopicCounters {
        Counter[] dense = new Counter[8];
        Map<Integer, Counter> sparse;

        Counter get(int queueId) {
            if (queueId >= 0 && queueId < DENSE_QUEUE_IDS) {
                return queueId < dense.length ? dense[queueId] : null;
            }
            return sparse == null ? null : sparse.get(queueId);
        }

        Counter getOrCreate(int queueId) {
            Counter counter = get(queueId);
            if (counter != null) {
                return counter;
            }
            counter = new Counter();
            if (queueId >= 0 && queueId < DENSE_QUEUE_IDS) {
                if (queueId >= dense.length) {
                    dense = Arrays.copyOf(dense, Math.min(DENSE_QUEUE_IDS, Math.max(queueId + 1, dense.length * 2)));
                }
                dense[queueId] = counter;
            } else {
                if (sparse == null) {
                    sparse = new HashMap<>();
                }
                sparse.put(queueId, counter);
            }
            return counter;
        }
    }

    private final Map<String, TopicCounters> topics = new HashMap<>();

    /** The next offset of the queue without advancing it; 0 for a queue never seen. */
    long peek(String topic, int queueId) {
        TopicCounters counters = topics.get(topic);
        Counter counter = counters == null ? null : counters.get(queueId);
        return counter == null ? 0 : counter.next;
    }

    /** The counter of the queue, created at 0 when missing. */
    Counter counter(String topic, int queueId) {
        TopicCounters counters = topics.get(topic);
        if (counters == null) {
            counters = new TopicCounters();
            topics.put(topic, counters);
        }
        return counters.getOrCreate(queueId);
    }

    void set(String topic, int queueId, long nextOffset) {
        counter(topic, queueId).next = nextOffset;
    }

    void clear() {
        topics.clear();
    }
}
