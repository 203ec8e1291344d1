package io.tidemq.client;

import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.net.LocalAddress;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Settings shared by producers and consumers; immutable, validated when built. Every key but
 * {@code namesrvAddrs} has a default; docs/configuration.md ("## Client") lists them with their ranges.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder().namesrvAddrs("10.0.0.1:9876;10.0.0.2:9876").build();
 * }</pre>
 *
 * Producers and consumers that share {@code namesrvAddrs} and {@code instanceName} share one connection
 * pool, route cache and heartbeat ({@code ClientInstance}); its timers use the settings of the first
 * producer or consumer that started it.
 */
public final class ClientConfig {

    public static final String DEFAULT_INSTANCE_NAME = "DEFAULT";
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    private final String namesrvAddrs;
    private final List<String> namesrvAddressList;
    private final String instanceName;
    private final String clientIp;
    private final long routeRefreshIntervalMs;
    private final long heartbeatIntervalMs;
    private final long rebalanceIntervalMs;
    private final long requestTimeoutMs;
    private final int retryTimesWhenSendFailed;
    private final long faultAvoidanceMs;
    private final int maxMessageBytes;
    private final long longPollingMs;
    private final int pullBatchSize;
    private final long pullRetryBackoffMs;
    private final int pullThresholdForQueue;
    private final int pullThresholdSizeForQueueMb;
    private final int consumeThreads;
    private final int consumeBatchSize;
    private final long consumeRetryDelayMs;
    private final int maxReconsumeTimes;
    private final long consumeTimeoutMs;
    private final long suspendCurrentQueueTimeMs;
    private final long lockRenewIntervalMs;
    private final long offsetCommitIntervalMs;
    private final Path offsetStoreDir;

    private ClientConfig(Builder b) {
        this.namesrvAddrs = b.namesrvAddrs;
        this.namesrvAddressList = parseAddresses(b.namesrvAddrs);
        this.instanceName = checkInstanceName(b.instanceName);
        this.clientIp = b.clientIp == null ? LocalAddress.ipv4() : checkNotBlank("clientIp", b.clientIp);
        this.routeRefreshIntervalMs = inRange("routeRefreshIntervalMs", b.routeRefreshIntervalMs, 10, 3_600_000);
        this.heartbeatIntervalMs = inRange("heartbeatIntervalMs", b.heartbeatIntervalMs, 10, 600_000);
        this.rebalanceIntervalMs = inRange("rebalanceIntervalMs", b.rebalanceIntervalMs, 10, 3_600_000);
        this.requestTimeoutMs = inRange("requestTimeoutMs", b.requestTimeoutMs, 1, 600_000);
        this.retryTimesWhenSendFailed = (int) inRange("retryTimesWhenSendFailed", b.retryTimesWhenSendFailed, 0, 16);
        this.faultAvoidanceMs = inRange("faultAvoidanceMs", b.faultAvoidanceMs, 0, 3_600_000);
        this.maxMessageBytes = (int) inRange("maxMessageBytes", b.maxMessageBytes, 1, 64L * 1024 * 1024);
        this.longPollingMs = inRange("longPollingMs", b.longPollingMs, 0, 600_000);
        this.pullBatchSize = (int) inRange("pullBatchSize", b.pullBatchSize, 1, 1024);
        this.pullRetryBackoffMs = inRange("pullRetryBackoffMs", b.pullRetryBackoffMs, 1, 60_000);
        this.pullThresholdForQueue = (int) inRange("pullThresholdForQueue", b.pullThresholdForQueue, 1, 1_000_000);
        this.pullThresholdSizeForQueueMb = (int) inRange("pullThresholdSizeForQueueMb",
                b.pullThresholdSizeForQueueMb, 1, 16_384);
        this.consumeThreads = (int) inRange("consumeThreads", b.consumeThreads, 1, 1024);
        this.consumeBatchSize = (int) inRange("consumeBatchSize", b.consumeBatchSize, 1, 1024);
        this.consumeRetryDelayMs = inRange("consumeRetryDelayMs", b.consumeRetryDelayMs, 0, 3_600_000);
        this.maxReconsumeTimes = (int) inRange("maxReconsumeTimes", b.maxReconsumeTimes, 0, 1_000);
        this.consumeTimeoutMs = inRange("consumeTimeoutMs", b.consumeTimeoutMs, 100, 86_400_000);
        this.suspendCurrentQueueTimeMs = inRange("suspendCurrentQueueTimeMs", b.suspendCurrentQueueTimeMs, 0,
                3_600_000);
        this.lockRenewIntervalMs = inRange("lockRenewIntervalMs", b.lockRenewIntervalMs, 10, 3_600_000);
        this.offsetCommitIntervalMs = inRange("offsetCommitIntervalMs", b.offsetCommitIntervalMs, 10, 600_000);
        this.offsetStoreDir = b.offsetStoreDir != null ? b.offsetStoreDir
                : Path.of(System.getProperty("user.home"), ".tidemq", "offsets");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this config, for a copy that changes a key or two. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.namesrvAddrs = namesrvAddrs;
        b.instanceName = instanceName;
        b.clientIp = clientIp;
        b.routeRefreshIntervalMs = routeRefreshIntervalMs;
        b.heartbeatIntervalMs = heartbeatIntervalMs;
        b.rebalanceIntervalMs = rebalanceIntervalMs;
        b.requestTimeoutMs = requestTimeoutMs;
        b.retryTimesWhenSendFailed = retryTimesWhenSendFailed;
        b.faultAvoidanceMs = faultAvoidanceMs;
        b.maxMessageBytes = maxMessageBytes;
        b.longPollingMs = longPollingMs;
        b.pullBatchSize = pullBatchSize;
        b.pullRetryBackoffMs = pullRetryBackoffMs;
        b.pullThresholdForQueue = pullThresholdForQueue;
        b.pullThresholdSizeForQueueMb = pullThresholdSizeForQueueMb;
        b.consumeThreads = consumeThreads;
        b.consumeBatchSize = consumeBatchSize;
        b.consumeRetryDelayMs = consumeRetryDelayMs;
        b.maxReconsumeTimes = maxReconsumeTimes;
        b.consumeTimeoutMs = consumeTimeoutMs;
        b.suspendCurrentQueueTimeMs = suspendCurrentQueueTimeMs;
        b.lockRenewIntervalMs = lockRenewIntervalMs;
        b.offsetCommitIntervalMs = offsetCommitIntervalMs;
        b.offsetStoreDir = offsetStoreDir;
        return b;
    }

    /**
     * Builds a config from string key/values named like the builder methods (for command lines and
     * property files); unknown keys are rejected so a typo is not silently ignored.
     */
    public static ClientConfig fromMap(Map<String, String> values) {
        Builder b = builder();
        values.forEach((key, value) -> b.set(key, value));
        return b.build();
    }

    /** The NameServer addresses as given: {@code host:port;host:port}. */
    public String namesrvAddrs() {
        return namesrvAddrs;
    }

    /** The NameServer addresses, parsed, in the order given. */
    public List<String> namesrvAddressList() {
        return namesrvAddressList;
    }

    public String instanceName() {
        return instanceName;
    }

    /** The IP this client reports in its client id ({@code ip@pid@instanceName}). */
    public String clientIp() {
        return clientIp;
    }

    public long routeRefreshIntervalMs() {
        return routeRefreshIntervalMs;
    }

    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public long rebalanceIntervalMs() {
        return rebalanceIntervalMs;
    }

    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    public int retryTimesWhenSendFailed() {
        return retryTimesWhenSendFailed;
    }

    public long faultAvoidanceMs() {
        return faultAvoidanceMs;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public long longPollingMs() {
        return longPollingMs;
    }

    public int pullBatchSize() {
        return pullBatchSize;
    }

    public long pullRetryBackoffMs() {
        return pullRetryBackoffMs;
    }

    public int pullThresholdForQueue() {
        return pullThresholdForQueue;
    }

    public int pullThresholdSizeForQueueMb() {
        return pullThresholdSizeForQueueMb;
    }

    public int consumeThreads() {
        return consumeThreads;
    }

    public int consumeBatchSize() {
        return consumeBatchSize;
    }

    public long consumeRetryDelayMs() {
        return consumeRetryDelayMs;
    }

    /** How often a failed message is consumed again before it goes to the group's dead-letter queue. */
    public int maxReconsumeTimes() {
        return maxReconsumeTimes;
    }

    /** A listener call running longer than this counts as failed: its messages are sent back for retry. */
    public long consumeTimeoutMs() {
        return consumeTimeoutMs;
    }

    /** Ordered consumption: how long a queue pauses before a failed message is consumed again, in place. */
    public long suspendCurrentQueueTimeMs() {
        return suspendCurrentQueueTimeMs;
    }

    /** Ordered consumption: how often the broker-side queue locks are renewed (keep well below the broker's lease). */
    public long lockRenewIntervalMs() {
        return lockRenewIntervalMs;
    }

    public long offsetCommitIntervalMs() {
        return offsetCommitIntervalMs;
    }

    public Path offsetStoreDir() {
        return offsetStoreDir;
    }

    @Override
    public String toString() {
        return "ClientConfig{namesrvAddrs=" + namesrvAddrs + ", instanceName=" + instanceName + ", clientIp="
                + clientIp + ", routeRefreshIntervalMs=" + routeRefreshIntervalMs + ", heartbeatIntervalMs="
                + heartbeatIntervalMs + ", rebalanceIntervalMs=" + rebalanceIntervalMs + ", requestTimeoutMs="
                + requestTimeoutMs + ", retryTimesWhenSendFailed=" + retryTimesWhenSendFailed
                + ", faultAvoidanceMs=" + faultAvoidanceMs + ", maxMessageBytes=" + maxMessageBytes
                + ", longPollingMs=" + longPollingMs + ", pullBatchSize=" + pullBatchSize
                + ", pullRetryBackoffMs=" + pullRetryBackoffMs + ", pullThresholdForQueue=" + pullThresholdForQueue
                + ", pullThresholdSizeForQueueMb=" + pullThresholdSizeForQueueMb + ", consumeThreads="
                + consumeThreads + ", consumeBatchSize=" + consumeBatchSize + ", consumeRetryDelayMs="
                + consumeRetryDelayMs + ", maxReconsumeTimes=" + maxReconsumeTimes
                + ", consumeTimeoutMs=" + consumeTimeoutMs
                + ", suspendCurrentQueueTimeMs=" + suspendCurrentQueueTimeMs + ", lockRenewIntervalMs="
                + lockRenewIntervalMs + ", offsetCommitIntervalMs=" + offsetCommitIntervalMs
                + ", offsetStoreDir=" + offsetStoreDir + '}';
    }

    // ---- validation

    private static List<String> parseAddresses(String addrs) {
        if (addrs == null || addrs.isBlank()) {
            throw new ClientConfigException("namesrvAddrs is required: give the NameServers as host:port;host:port");
        }
        List<String> out;
        try {
            out = HostPort.parseListAsText(addrs, "namesrvAddrs entry");
        } catch (InvalidAddressException e) {
            throw new ClientConfigException(e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ClientConfigException("namesrvAddrs '" + addrs + "' names no NameServer; write host:port;host:port");
        }
        return List.copyOf(out);
    }

    private static String checkInstanceName(String name) {
        checkNotBlank("instanceName", name);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            if (!ok) {
                throw new ClientConfigException("instanceName '" + name + "' contains '" + c
                        + "'; use letters, digits, '_', '-' and '.'");
            }
        }
        return name;
    }

    private static String checkNotBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ClientConfigException(key + " must not be empty");
        }
        return value;
    }

    private static long inRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ClientConfigException(key + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String namesrvAddrs;
        private String instanceName = DEFAULT_INSTANCE_NAME;
        private String clientIp;
        private long routeRefreshIntervalMs = 30_000;
        private long heartbeatIntervalMs = 10_000;
        private long rebalanceIntervalMs = 20_000;
        private long requestTimeoutMs = 3_000;
        private long retryTimesWhenSendFailed = 2;
        private long faultAvoidanceMs = 10_000;
        private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private long longPollingMs = 15_000;
        private long pullBatchSize = 32;
        private long pullRetryBackoffMs = 1_000;
        private long pullThresholdForQueue = 1_000;
        private long pullThresholdSizeForQueueMb = 100;
        private long consumeThreads = 8;
        private long consumeBatchSize = 1;
        private long consumeRetryDelayMs = 1_000;
        private long maxReconsumeTimes = 16;
        private long consumeTimeoutMs = 900_000;
        private long suspendCurrentQueueTimeMs = 1_000;
        private long lockRenewIntervalMs = 20_000;
        private long offsetCommitIntervalMs = 5_000;
        private Path offsetStoreDir;

        private Builder() {
        }

        public Builder namesrvAddrs(String v) {
            namesrvAddrs = v;
            return this;
        }

        public Builder instanceName(String v) {
            instanceName = v;
            return this;
        }

        public Builder clientIp(String v) {
            clientIp = v;
            return this;
        }

        public Builder routeRefreshIntervalMs(long v) {
            routeRefreshIntervalMs = v;
            return this;
        }

        public Builder heartbeatIntervalMs(long v) {
            heartbeatIntervalMs = v;
            return this;
        }

        public Builder rebalanceIntervalMs(long v) {
            rebalanceIntervalMs = v;
            return this;
        }

        public Builder requestTimeoutMs(long v) {
            requestTimeoutMs = v;
            return this;
        }

        public Builder retryTimesWhenSendFailed(int v) {
            retryTimesWhenSendFailed = v;
            return this;
        }

        public Builder faultAvoidanceMs(long v) {
            faultAvoidanceMs = v;
            return this;
        }

        public Builder maxMessageBytes(int v) {
            maxMessageBytes = v;
            return this;
        }

        public Builder longPollingMs(long v) {
            longPollingMs = v;
            return this;
        }

        public Builder pullBatchSize(int v) {
            pullBatchSize = v;
            return this;
        }

        public Builder pullRetryBackoffMs(long v) {
            pullRetryBackoffMs = v;
            return this;
        }

        public Builder pullThresholdForQueue(int v) {
            pullThresholdForQueue = v;
            return this;
        }

        public Builder pullThresholdSizeForQueueMb(int v) {
            pullThresholdSizeForQueueMb = v;
            return this;
        }

        public Builder consumeThreads(int v) {
            consumeThreads = v;
            return this;
        }

        public Builder consumeBatchSize(int v) {
            consumeBatchSize = v;
            return this;
        }

        public Builder consumeRetryDelayMs(long v) {
            consumeRetryDelayMs = v;
            return this;
        }

        public Builder maxReconsumeTimes(int v) {
            maxReconsumeTimes = v;
            return this;
        }

        public Builder consumeTimeoutMs(long v) {
            consumeTimeoutMs = v;
            return this;
        }

        public Builder suspendCurrentQueueTimeMs(long v) {
            suspendCurrentQueueTimeMs = v;
            return this;
        }

        public Builder lockRenewIntervalMs(long v) {
            lockRenewIntervalMs = v;
            return this;
        }

        public Builder offsetCommitIntervalMs(long v) {
            offsetCommitIntervalMs = v;
            return this;
        }

        public Builder offsetStoreDir(Path v) {
            offsetStoreDir = v;
            return this;
        }

        /** Sets a key by its name, parsing the value; for {@link ClientConfig#fromMap}. */
        public Builder set(String key, String value) {
            switch (key) {
                case "namesrvAddrs" -> namesrvAddrs = value;
                case "instanceName" -> instanceName = value;
                case "clientIp" -> clientIp = value;
                case "offsetStoreDir" -> offsetStoreDir = Path.of(value);
                case "routeRefreshIntervalMs" -> setLong(key, value, v -> routeRefreshIntervalMs = v);
                case "heartbeatIntervalMs" -> setLong(key, value, v -> heartbeatIntervalMs = v);
                case "rebalanceIntervalMs" -> setLong(key, value, v -> rebalanceIntervalMs = v);
                case "requestTimeoutMs" -> setLong(key, value, v -> requestTimeoutMs = v);
                case "retryTimesWhenSendFailed" -> setLong(key, value, v -> retryTimesWhenSendFailed = v);
                case "faultAvoidanceMs" -> setLong(key, value, v -> faultAvoidanceMs = v);
                case "maxMessageBytes" -> setLong(key, value, v -> maxMessageBytes = v);
                case "longPollingMs" -> setLong(key, value, v -> longPollingMs = v);
                case "pullBatchSize" -> setLong(key, value, v -> pullBatchSize = v);
                case "pullRetryBackoffMs" -> setLong(key, value, v -> pullRetryBackoffMs = v);
                case "pullThresholdForQueue" -> setLong(key, value, v -> pullThresholdForQueue = v);
                case "pullThresholdSizeForQueueMb" -> setLong(key, value, v -> pullThresholdSizeForQueueMb = v);
                case "consumeThreads" -> setLong(key, value, v -> consumeThreads = v);
                case "consumeBatchSize" -> setLong(key, value, v -> consumeBatchSize = v);
                case "consumeRetryDelayMs" -> setLong(key, value, v -> consumeRetryDelayMs = v);
                case "maxReconsumeTimes" -> setLong(key, value, v -> maxReconsumeTimes = v);
                case "consumeTimeoutMs" -> setLong(key, value, v -> consumeTimeoutMs = v);
                case "suspendCurrentQueueTimeMs" -> setLong(key, value, v -> suspendCurrentQueueTimeMs = v);
                case "lockRenewIntervalMs" -> setLong(key, value, v -> lockRenewIntervalMs = v);
                case "offsetCommitIntervalMs" -> setLong(key, value, v -> offsetCommitIntervalMs = v);
                default -> throw new ClientConfigException("unknown client config key '" + key
                        + "'; see docs/configuration.md, section Client, for the keys");
            }
            return this;
        }

        private static void setLong(String key, String value, Consumer<Long> setter) {
            try {
                setter.accept(Long.parseLong(value.trim().toLowerCase(Locale.ROOT)));
            } catch (NumberFormatException e) {
                throw new ClientConfigException(key + " must be a whole number, got '" + value + "'");
            }
        }

        public ClientConfig build() {
            return new ClientConfig(this);
        }
    }
}
