package io.tidemq.store.index;

/**
 * Hashes "topic#key" without building the string: the dispatcher indexes every record's keys, so the
 * hot path must not allocate. The result equals {@code (topic + "#" + key).hashCode()}, which keeps the
 * on-disk keyHash reproducible by any tool that reads the files.
 */
final class IndexKeyHash {

    private IndexKeyHash() {
    }

    static int of(String topic, String key) {
        return of(topic, key, 0, key.length());
    }

    /** Hash of "topic#" followed by {@code key.substring(from, to)}. */
    static int of(String topic, String key, int from, int to) {
        int h = topic.hashCode();
        h = 31 * h + '#';
        for (int i = from; i < to; i++) {
            h = 31 * h + key.charAt(i);
        }
        return h;
    }

    static int slotOf(int keyHash, int hashSlots) {
        return (keyHash & 0x7fffffff) % hashSlots;
    }
}
