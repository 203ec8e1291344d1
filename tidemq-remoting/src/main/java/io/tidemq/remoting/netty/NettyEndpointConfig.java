package io.tidemq.remoting.netty;

import io.tidemq.remoting.protocol.FrameLayout;

/**
 * The keys a {@link NettyClientConfig} and a {@link NettyServerConfig} share, with the same meaning, range and
 * validation: network I/O threads, the shared worker pool, the largest frame and the idle limit. Immutable;
 * validated when built. The key tables are in the subclasses' docs.
 */
abstract class NettyEndpointConfig {

    private final int selectorThreads;
    private final int workerThreads;
    private final int workerQueueCapacity;
    private final int maxFrameBytes;
    private final int channelIdleSeconds;
    private final int timeoutTickMs;

    NettyEndpointConfig(Builder<?> b) {
        this.selectorThreads = ConfigChecks.inRange("selectorThreads", b.selectorThreads, 1, 64);
        this.workerThreads = ConfigChecks.inRange("workerThreads", b.workerThreads, 1, 1024);
        this.workerQueueCapacity = ConfigChecks.inRange("workerQueueCapacity", b.workerQueueCapacity, 1, 1_000_000);
        this.maxFrameBytes = ConfigChecks.inRange("maxFrameBytes", b.maxFrameBytes, 1024, 1 << 30);
        this.channelIdleSeconds = ConfigChecks.inRange("channelIdleSeconds", b.channelIdleSeconds, 0, 86_400);
        this.timeoutTickMs = ConfigChecks.inRange("timeoutTickMs", b.timeoutTickMs, 1, 1_000);
    }

    public int selectorThreads() {
        return selectorThreads;
    }

    public int workerThreads() {
        return workerThreads;
    }

    public int workerQueueCapacity() {
        return workerQueueCapacity;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int channelIdleSeconds() {
        return channelIdleSeconds;
    }

    /**
     * The tick of the timer that fails calls past their timeout: a call fails up to one tick late, and the timer's
     * thread wakes once per tick for as long as the endpoint runs (each wake-up costs tens of µs on a loaded VM).
     */
    public int timeoutTickMs() {
        return timeoutTickMs;
    }

    /** The shared keys as {@code key=value, ...}, for the subclasses' toString. */
    String sharedKeys() {
        return "selectorThreads=" + selectorThreads + ", workerThreads=" + workerThreads
                + ", workerQueueCapacity=" + workerQueueCapacity + ", maxFrameBytes=" + maxFrameBytes
                + ", channelIdleSeconds=" + channelIdleSeconds + ", timeoutTickMs=" + timeoutTickMs;
    }

    /** Mutable builder of the shared keys; {@code B} is the concrete builder, so calls chain in any order. */
    abstract static class Builder<B extends Builder<B>> {
        private int selectorThreads = ConfigChecks.defaultSelectorThreads();
        private int workerThreads;
        private int workerQueueCapacity = 10_000;
        private int maxFrameBytes = FrameLayout.DEFAULT_MAX_FRAME_BYTES;
        private int channelIdleSeconds = 120;
        private int timeoutTickMs = 10;

        Builder(int defaultWorkerThreads) {
            this.workerThreads = defaultWorkerThreads;
        }

        abstract B self();

        public B selectorThreads(int selectorThreads) {
            this.selectorThreads = selectorThreads;
            return self();
        }

        public B workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return self();
        }

        public B workerQueueCapacity(int workerQueueCapacity) {
            this.workerQueueCapacity = workerQueueCapacity;
            return self();
        }

        public B maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return self();
        }

        public B channelIdleSeconds(int channelIdleSeconds) {
            this.channelIdleSeconds = channelIdleSeconds;
            return self();
        }

        public B timeoutTickMs(int timeoutTickMs) {
            this.timeoutTickMs = timeoutTickMs;
            return self();
        }
    }
}
