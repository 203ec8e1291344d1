package io.tidemq.remoting.netty;

import io.tidemq.remoting.protocol.FrameLayout;

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
 * </table>
 */
public final class NettyServerConfig {

    private final String bindAddress;
    private final int listenPort;
    private final int selectorThreads;
    private final int workerThreads;
    private final int workerQueueCapacity;
    private final int maxFrameBytes;
    private final int channelIdleSeconds;

    private NettyServerConfig(Builder b) {
        this.bindAddress = ConfigChecks.notBlank("bindAddress", b.bindAddress);
        this.listenPort = ConfigChecks.inRange("listenPort", b.listenPort, 0, 65_535);
        this.selectorThreads = ConfigChecks.inRange("selectorThreads", b.selectorThreads, 1, 64);
        this.workerThreads = ConfigChecks.inRange("workerThreads", b.workerThreads, 1, 1024);
        this.workerQueueCapacity = ConfigChecks.inRange("workerQueueCapacity", b.workerQueueCapacity, 1, 1_000_000);
        this.maxFrameBytes = ConfigChecks.inRange("maxFrameBytes", b.maxFrameBytes, 1024, 1 << 30);
        this.channelIdleSeconds = ConfigChecks.inRange("channelIdleSeconds", b.channelIdleSeconds, 0, 86_400);
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

    @Override
    public String toString() {
        return "NettyServerConfig{bindAddress=" + bindAddress + ", listenPort=" + listenPort
                + ", selectorThreads=" + selectorThreads + ", workerThreads=" + workerThreads
                + ", workerQueueCapacity=" + workerQueueCapacity + ", maxFrameBytes=" + maxFrameBytes
                + ", channelIdleSeconds=" + channelIdleSeconds + "}";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private int listenPort = 0;
        private int selectorThreads = ConfigChecks.defaultSelectorThreads();
        private int workerThreads = 8;
        private int workerQueueCapacity = 10_000;
        private int maxFrameBytes = FrameLayout.DEFAULT_MAX_FRAME_BYTES;
        private int channelIdleSeconds = 120;

        private Builder() {
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder listenPort(int listenPort) {
            this.listenPort = listenPort;
            return this;
        }

        public Builder selectorThreads(int selectorThreads) {
            this.selectorThreads = selectorThreads;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        public Builder workerQueueCapacity(int workerQueueCapacity) {
            this.workerQueueCapacity = workerQueueCapacity;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder channelIdleSeconds(int channelIdleSeconds) {
            this.channelIdleSeconds = channelIdleSeconds;
            return this;
        }

        public NettyServerConfig build() {
            return new NettyServerConfig(this);
        }
    }
}
