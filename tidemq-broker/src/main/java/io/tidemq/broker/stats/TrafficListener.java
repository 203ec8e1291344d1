package io.tidemq.broker.stats;



/**
 * Per-topic and per-group traffic, told by the send and pull processors (the Prometheus meters implement it).
 * Called on request threads and store completion threads: implementations must be thread-safe and must not
 * allocate per call once a topic or group has been seen.
 */
public interface TrafficListener {

    /** Does nothing: a broker without metrics. */
    TrafficListener NONE = new TrafficListener() {
        @Override
        public void stored(String topic, int messages, long bytes, long storeNanos) {
        }

        @Override
        public void storeFailed(String topic, int messages) {
        }

        @Override
        public void delivered(String topic, String group, long[] storeTimestampsMs, int messages, long bytes,
                              long nowMs) {
        }
    };

    /** Tells both listeners, {@code first} first. */
    static TrafficListener both(TrafficListener first, TrafficListener second) {
        return new TrafficListener() {
            @Override
            public void stored(String topic, int messages, long bytes, long storeNanos) {
                first.stored(topic, messages, bytes, storeNanos);
                second.stored(topic, messages, bytes, storeNanos);
            }

            @Override
            public void storeFailed(String topic, int messages) {
                first.storeFailed(topic, messages);
                second.storeFailed(topic, messages);
            }

            @Override
            public void delivered(String topic, String group, long[] storeTimestampsMs, int messages, long bytes,
                                  long nowMs) {
                first.delivered(topic, group, storeTimestampsMs, messages, bytes, nowMs);
                second.delivered(topic, group, storeTimestampsMs, messages, bytes, nowMs);
            }
        };
    }

    /** {@code messages} of {@code topic} ({@code bytes} of bodies) were stored; the store took {@code storeNanos}. */
    void stored(String topic, int messages, long bytes, long storeNanos);

    /** A send of {@code messages} to {@code topic} failed in the store. */
    void storeFailed(String topic, int messages);

    /**
     * {@code messages} were delivered to {@code group} by a pull ({@code bytes} in the response); the first
     * {@code messages} entries of {@code storeTimestampsMs} are their store timestamps.
     */
    void delivered(String topic, String group, long[] storeTimestampsMs, int messages, long bytes, long nowMs);
}
