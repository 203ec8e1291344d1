package io.tidemq.remoting.netty;

/**
 * Settings of a {@link NettyRemotingServer}; immutable, validated when built. Build with
 * {@code NettyServerConfig.builder().listenPort(9876).build()}; every key has a default.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>bindAddress</td><td>0.0.0.0</td><td></td><td>interface to listen on</td></tr>
 *   <tr><td>listenPort</td><td>0</td><td>0–65535</td><td>0 lets the OS pick a free port; see localPort()</td></tr>
 *   <tr><td>selectorThreads</td><td>cores, ≤ 4</td><td>1–64</td><td>network I/O (event loop) threads</td></tr>
 *   <tr><td>workerThreads</td><td>8</td><td>1–1024</td><td>shared pool for processors registered without an executor</td></tr>
 *   <tr><td>workerQueueCapacity</td><td>10000</td><td>1–1000000</td><td>queued requests of that pool before SYSTEM_BUSY</td></tr>
 *   <tr><td>maxFrameBytes</td><td>16 MiB</td><td>1 KiB–1 GiB</td><td>largest totalLength accepted or sent</td></tr>
 *   <tr><td>channelIdleSeconds</td><td>120</td><td>0–86400</td><td>close a connection silent this long; 0 = never</td></tr>
 *   <tr><td>timeoutTickMs</td><td>10</td><td>1–1000</td><td>tick of the call-timeout timer: a call fails up to one tick late; its thread wakes once per tick</td></tr>
 * </table>
 */
public final class NettyServerConfig extends NettyEndpointConfig {

    private static final int DEFAULT_WORKER_THREADS = 8;

    private final String bindAddress;
    private final int listenPort;

    private NettyServerConfig(Builder b) {
        super(b);
        this.bindAddress = ConfigChecks.notBlank("bindAddress", b.bindAddress);
        this.listenPort = ConfigChecks.inRange("listenPort", b.listenPort, 0, 65_535);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A config with every default. */
    public static NettyServerConfig defaults() {
        return builder().build();
    }

    public String bindAddress() {
        return bindAddress;
    }

    public int listenPort() {
        return listenPort;
    }

    @Override
    public String toString() {
        return "NettyServerConfig{bindAddress=" + bindAddress + ", listenPort=" + listenPort + ", " + sharedKeys()
                + "}";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder extends NettyEndpointConfig.Builder<Builder> {
        private String bindAddress = "0.0.0.0";
        private int listenPort = 0;

        private Builder() {
            super(DEFAULT_WORKER_THREADS);
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder listenPort(int listenPort) {
            this.listenPort = listenPort;
            return this;
        }

        public NettyServerConfig build() {
            return new NettyServerConfig(this);
        }
    }
}
