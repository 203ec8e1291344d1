package io.tidemq.remoting.netty;

/**
 * Settings of a {@link NettyRemotingClient}; immutable, validated when built. Build with
 * {@code NettyClientConfig.builder().connectTimeoutMs(1000).build()}; every key has a default.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>connectTimeoutMs</td><td>3000</td><td>1–600000</td><td>TCP connect timeout</td></tr>
 *   <tr><td>selectorThreads</td><td>cores, ≤ 4</td><td>1–64</td><td>network I/O (event loop) threads</td></tr>
 *   <tr><td>workerThreads</td><td>4</td><td>1–1024</td><td>shared pool for processors of server-sent requests</td></tr>
 *   <tr><td>workerQueueCapacity</td><td>10000</td><td>1–1000000</td><td>queued requests of that pool before SYSTEM_BUSY</td></tr>
 *   <tr><td>maxFrameBytes</td><td>16 MiB</td><td>1 KiB–1 GiB</td><td>largest totalLength accepted or sent</td></tr>
 *   <tr><td>channelIdleSeconds</td><td>120</td><td>0–86400</td><td>report (not close) a connection silent this long; 0 = never</td></tr>
 *   <tr><td>timeoutTickMs</td><td>10</td><td>1–1000</td><td>tick of the call-timeout timer: a call fails up to one tick late; its thread wakes once per tick</td></tr>
 * </table>
 */
public final class NettyClientConfig extends NettyEndpointConfig {

    private static final int DEFAULT_WORKER_THREADS = 4;

    private final int connectTimeoutMs;

    private NettyClientConfig(Builder b) {
        super(b);
        this.connectTimeoutMs = ConfigChecks.inRange("connectTimeoutMs", b.connectTimeoutMs, 1, 600_000);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A config with every default. */
    public static NettyClientConfig defaults() {
        return builder().build();
    }

    public int connectTimeoutMs() {
        return connectTimeoutMs;
    }

    @Override
    public String toString() {
        return "NettyClientConfig{connectTimeoutMs=" + connectTimeoutMs + ", " + sharedKeys() + "}";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder extends NettyEndpointConfig.Builder<Builder> {
        private int connectTimeoutMs = 3000;

        private Builder() {
            super(DEFAULT_WORKER_THREADS);
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder connectTimeoutMs(int connectTimeoutMs) {
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        public NettyClientConfig build() {
            return new NettyClientConfig(this);
        }
    }
}
