package io.tidemq.client;

import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.net.LocalAddress;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Settings shared by producers and consumers; immutable, validated when built. Every key but
 * {@code namesrvAddrs} has a default; the keys, defaults and ranges are declared once in {@link ClientConfigKeys},
 * whose table docs/configuration.md ("## Client") shows.
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
        this.clientIp = b.clientIp == null ? LocalAddress.ipv4() : checkClientIp(b.clientIp);
        this.routeRefreshIntervalMs = check(ClientConfigKeys.ROUTE_REFRESH_INTERVAL_MS, b.routeRefreshIntervalMs);
        this.heartbeatIntervalMs = check(ClientConfigKeys.HEARTBEAT_INTERVAL_MS, b.heartbeatIntervalMs);
        this.rebalanceIntervalMs = check(ClientConfigKeys.REBALANCE_INTERVAL_MS, b.rebalanceIntervalMs);
        this.requestTimeoutMs = check(ClientConfigKeys.REQUEST_TIMEOUT_MS, b.requestTimeoutMs);
        this.retryTimesWhenSendFailed =
                (int) check(ClientConfigKeys.RETRY_TIMES_WHEN_SEND_FAILED, b.retryTimesWhenSendFailed);
        this.faultAvoidanceMs = check(ClientConfigKeys.FAULT_AVOIDANCE_MS, b.faultAvoidanceMs);
        this.maxMessageBytes = (int) check(ClientConfigKeys.MAX_MESSAGE_BYTES, b.maxMessageBytes);
        this.longPollingMs = check(ClientConfigKeys.LONG_POLLING_MS, b.longPollingMs);
        this.pullBatchSize = (int) check(ClientConfigKeys.PULL_BATCH_SIZE, b.pullBatchSize);
        this.pullRetryBackoffMs = check(ClientConfigKeys.PULL_RETRY_BACKOFF_MS, b.pullRetryBackoffMs);
        this.pullThresholdForQueue = (int) check(ClientConfigKeys.PULL_THRESHOLD_FOR_QUEUE, b.pullThresholdForQueue);
        this.pullThresholdSizeForQueueMb =
                (int) check(ClientConfigKeys.PULL_THRESHOLD_SIZE_FOR_QUEUE_MB, b.pullThresholdSizeForQueueMb);
        this.consumeThreads = (int) check(ClientConfigKeys.CONSUME_THREADS, b.consumeThreads);
        this.consumeBatchSize = (int) check(ClientConfigKeys.CONSUME_BATCH_SIZE, b.consumeBatchSize);
        this.consumeRetryDelayMs = check(ClientConfigKeys.CONSUME_RETRY_DELAY_MS, b.consumeRetryDelayMs);
        this.maxReconsumeTimes = (int) check(ClientConfigKeys.MAX_RECONSUME_TIMES, b.maxReconsumeTimes);
        this.consumeTimeoutMs = check(ClientConfigKeys.CONSUME_TIMEOUT_MS, b.consumeTimeoutMs);
        this.suspendCurrentQueueTimeMs =
                check(ClientConfigKeys.SUSPEND_CURRENT_QUEUE_TIME_MS, b.suspendCurrentQueueTimeMs);
        this.lockRenewIntervalMs = check(ClientConfigKeys.LOCK_RENEW_INTERVAL_MS, b.lockRenewIntervalMs);
        this.offsetCommitIntervalMs = check(ClientConfigKeys.OFFSET_COMMIT_INTERVAL_MS, b.offsetCommitIntervalMs);
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

    /**
     * An IPv4 literal: it is written into every message's unique id (4 bytes) and the client id. A host name used
     * to be looked up in DNS by the id generator and, when that failed, silently replaced by 127.0.0.1.
     */
    private static String checkClientIp(String ip) {
        checkNotBlank("clientIp", ip);
        String[] parts = ip.trim().split("\\.", -1);
        boolean ok = parts.length == 4;
        for (int i = 0; ok && i < 4; i++) {
            ok = !parts[i].isEmpty() && parts[i].length() <= 3 && parts[i].chars().allMatch(Character::isDigit)
                    && Integer.parseInt(parts[i]) <= 255;
        }
        if (!ok) {
            throw new ClientConfigException("clientIp '" + ip + "' is not an IPv4 address (a.b.c.d); it goes into the"
                    + " client id and every message's unique id. Give this host's address, or leave clientIp unset to"
                    + " detect it");
        }
        return ip.trim();
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

    private static long check(ConfigKey<?> key, long value) {
        return key.check(value, ClientConfigException::new);
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String namesrvAddrs;
        private String instanceName = ClientConfigKeys.INSTANCE_NAME.defaultValue();
        private String clientIp;
        private long routeRefreshIntervalMs = ClientConfigKeys.ROUTE_REFRESH_INTERVAL_MS.defaultValue();
        private long heartbeatIntervalMs = ClientConfigKeys.HEARTBEAT_INTERVAL_MS.defaultValue();
        private long rebalanceIntervalMs = ClientConfigKeys.REBALANCE_INTERVAL_MS.defaultValue();
        private long requestTimeoutMs = ClientConfigKeys.REQUEST_TIMEOUT_MS.defaultValue();
        private long retryTimesWhenSendFailed = ClientConfigKeys.RETRY_TIMES_WHEN_SEND_FAILED.defaultValue();
        private long faultAvoidanceMs = ClientConfigKeys.FAULT_AVOIDANCE_MS.defaultValue();
        private long maxMessageBytes = ClientConfigKeys.MAX_MESSAGE_BYTES.defaultValue();
        private long longPollingMs = ClientConfigKeys.LONG_POLLING_MS.defaultValue();
        private long pullBatchSize = ClientConfigKeys.PULL_BATCH_SIZE.defaultValue();
        private long pullRetryBackoffMs = ClientConfigKeys.PULL_RETRY_BACKOFF_MS.defaultValue();
        private long pullThresholdForQueue = ClientConfigKeys.PULL_THRESHOLD_FOR_QUEUE.defaultValue();
        private long pullThresholdSizeForQueueMb = ClientConfigKeys.PULL_THRESHOLD_SIZE_FOR_QUEUE_MB.defaultValue();
        private long consumeThreads = ClientConfigKeys.CONSUME_THREADS.defaultValue();
        private long consumeBatchSize = ClientConfigKeys.CONSUME_BATCH_SIZE.defaultValue();
        private long consumeRetryDelayMs = ClientConfigKeys.CONSUME_RETRY_DELAY_MS.defaultValue();
        private long maxReconsumeTimes = ClientConfigKeys.MAX_RECONSUME_TIMES.defaultValue();
        private long consumeTimeoutMs = ClientConfigKeys.CONSUME_TIMEOUT_MS.defaultValue();
        private long suspendCurrentQueueTimeMs = ClientConfigKeys.SUSPEND_CURRENT_QUEUE_TIME_MS.defaultValue();
        private long lockRenewIntervalMs = ClientConfigKeys.LOCK_RENEW_INTERVAL_MS.defaultValue();
        private long offsetCommitIntervalMs = ClientConfigKeys.OFFSET_COMMIT_INTERVAL_MS.defaultValue();
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
            ClientConfigKeys.TABLE.bindAll(this, Map.of(key, value), ClientConfigException::new);
            return this;
        }

        public ClientConfig build() {
            return new ClientConfig(this);
        }
    }
}
