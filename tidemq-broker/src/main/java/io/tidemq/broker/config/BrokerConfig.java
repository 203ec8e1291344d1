package io.tidemq.broker.config;

import io.tidemq.broker.ha.HaConfig;
import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.net.LocalAddress;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.store.api.FlushMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Everything a broker needs to run, immutable and validated when built: an out-of-range or malformed value
 * fails with a {@link BrokerConfigException} naming the key and the allowed range; the keys, their defaults
 * and their ranges are declared once, in {@link BrokerConfigKeys}. Build it with
 * {@link #builder()} or from a properties file with {@link #fromProperties(Properties)}; docs/configuration.md
 * ("## Broker") lists every key with its default.
 *
 * <p>Keys the broker does not know itself are store keys ({@code commitLogFileBytes}, {@code flushIntervalMs},
 * ...): they are kept in {@link #storeProperties()} and validated by the store's own configuration.
 */
public final class BrokerConfig {

    public static final int MAX_PROPERTIES_BYTES_LIMIT = 32 * 1024 - 1;

    private final String brokerClusterName;
    private final String brokerName;
    private final long brokerId;
    private final String brokerIp;
    private final String bindAddress;
    private final int listenPort;
    private final int metricsPort;
    private final List<String> namesrvAddrs;
    private final Path storePath;
    private final FlushMode flushMode;
    private final boolean autoCreateTopic;
    private final int defaultTopicQueueNums;
    private final int maxMessageBytes;
    private final int maxPropertiesBytes;
    private final int maxBatchMessages;
    private final int maxPullMessages;
    private final int maxPullBytes;
    private final long registerIntervalMs;
    private final long statsIntervalMs;
    private final long registerTimeoutMs;
    private final long clientExpireMs;
    private final long longPollingMaxMs;
    private final long longPollingCheckIntervalMs;
    private final int longPollingMaxHeld;
    private final int longPollingMaxHeldPerConnection;
    private final int retryTopicCreatesPerSecond;
    private final long offsetFlushIntervalMs;
    private final long transactionCheckIntervalMs;
    private final long transactionTimeoutMs;
    private final int transactionCheckMax;
    private final int transactionMaxTrackedDecisions;
    private final long rebalanceLockMaxLiveMs;
    private final int sendThreads;
    private final boolean sendOnIoThread;
    private final boolean livePullsOnIoThread;
    private final int pullThreads;
    private final int clientThreads;
    private final int adminThreads;
    private final int requestQueueCapacity;
    private final TimerSettings timerSettings;
    private final RetryBackoffSchedule retryBackoffSchedule;
    private final Map<String, String> storeProperties;
    /** Replication: role, HA port, mode (see docs/high-availability.md). */
    private final HaConfig haConfig;
    private final List<String> controllerAddresses;
    private final long controllerHeartbeatIntervalMs;
    /** host:port announced to the controller as this replica's HA address; brokerIp:haListenPort when not set. */
    private final String haAdvertisedAddress;
    /** Whether haAdvertisedAddress was set (a copy with another brokerIp or haListenPort then keeps it). */
    private final boolean haAdvertisedAddressGiven;

    private BrokerConfig(Builder b) {
        this.brokerClusterName = name("brokerClusterName", b.brokerClusterName, NameValidator::checkCluster);
        this.brokerName = name("brokerName", b.brokerName, NameValidator::checkBrokerName);
        this.brokerId = check(BrokerConfigKeys.BROKER_ID, b.brokerId);
        this.brokerIp = b.brokerIp == null || b.brokerIp.isBlank() ? LocalAddress.ipv4() : b.brokerIp.trim();
        if (b.bindAddress == null || b.bindAddress.isBlank()) {
            throw new BrokerConfigException("bindAddress must be a host name or IP address (0.0.0.0 for every"
                    + " interface), was '" + b.bindAddress + "'");
        }
        this.bindAddress = b.bindAddress.trim();
        this.listenPort = check(BrokerConfigKeys.LISTEN_PORT, b.listenPort);
        this.metricsPort = check(BrokerConfigKeys.METRICS_PORT, b.metricsPort);
        this.namesrvAddrs = List.copyOf(b.namesrvAddrs);
        for (String addr : namesrvAddrs) {
            checkAddress(addr);
        }
        if (b.storePath == null) {
            throw new BrokerConfigException("storePath is required: give the directory the broker keeps its data in");
        }
        this.storePath = b.storePath;
        if (b.flushMode == null) {
            throw new BrokerConfigException("flushMode is required: use ASYNC or SYNC");
        }
        this.flushMode = b.flushMode;
        this.autoCreateTopic = b.autoCreateTopic;
        this.defaultTopicQueueNums = check(BrokerConfigKeys.DEFAULT_TOPIC_QUEUE_NUMS, b.defaultTopicQueueNums);
        this.maxMessageBytes = check(BrokerConfigKeys.MAX_MESSAGE_BYTES, b.maxMessageBytes);
        this.maxPropertiesBytes = check(BrokerConfigKeys.MAX_PROPERTIES_BYTES, b.maxPropertiesBytes);
        this.maxBatchMessages = check(BrokerConfigKeys.MAX_BATCH_MESSAGES, b.maxBatchMessages);
        this.maxPullMessages = check(BrokerConfigKeys.MAX_PULL_MESSAGES, b.maxPullMessages);
        this.maxPullBytes = check(BrokerConfigKeys.MAX_PULL_BYTES, b.maxPullBytes);
        this.registerIntervalMs = check(BrokerConfigKeys.REGISTER_INTERVAL_MS, b.registerIntervalMs);
        this.statsIntervalMs = check(BrokerConfigKeys.STATS_INTERVAL_MS, b.statsIntervalMs);
        this.registerTimeoutMs = check(BrokerConfigKeys.REGISTER_TIMEOUT_MS, b.registerTimeoutMs);
        this.clientExpireMs = check(BrokerConfigKeys.CLIENT_EXPIRE_MS, b.clientExpireMs);
        this.longPollingMaxMs = check(BrokerConfigKeys.LONG_POLLING_MAX_MS, b.longPollingMaxMs);
        this.longPollingCheckIntervalMs =
                check(BrokerConfigKeys.LONG_POLLING_CHECK_INTERVAL_MS, b.longPollingCheckIntervalMs);
        this.longPollingMaxHeld = check(BrokerConfigKeys.LONG_POLLING_MAX_HELD, b.longPollingMaxHeld);
        this.longPollingMaxHeldPerConnection =
                check(BrokerConfigKeys.LONG_POLLING_MAX_HELD_PER_CONNECTION, b.longPollingMaxHeldPerConnection);
        this.retryTopicCreatesPerSecond =
                check(BrokerConfigKeys.RETRY_TOPIC_CREATES_PER_SECOND, b.retryTopicCreatesPerSecond);
        this.offsetFlushIntervalMs = check(BrokerConfigKeys.OFFSET_FLUSH_INTERVAL_MS, b.offsetFlushIntervalMs);
        this.transactionCheckIntervalMs =
                check(BrokerConfigKeys.TRANSACTION_CHECK_INTERVAL_MS, b.transactionCheckIntervalMs);
        this.transactionTimeoutMs = check(BrokerConfigKeys.TRANSACTION_TIMEOUT_MS, b.transactionTimeoutMs);
        this.transactionCheckMax = check(BrokerConfigKeys.TRANSACTION_CHECK_MAX, b.transactionCheckMax);
        this.transactionMaxTrackedDecisions =
                check(BrokerConfigKeys.TRANSACTION_MAX_TRACKED_DECISIONS, b.transactionMaxTrackedDecisions);
        this.rebalanceLockMaxLiveMs = check(BrokerConfigKeys.REBALANCE_LOCK_MAX_LIVE_MS, b.rebalanceLockMaxLiveMs);
        this.sendThreads = check(BrokerConfigKeys.SEND_THREADS, b.sendThreads);
        this.sendOnIoThread = b.sendOnIoThread;
        this.livePullsOnIoThread = b.livePullsOnIoThread;
        this.pullThreads = check(BrokerConfigKeys.PULL_THREADS, b.pullThreads);
        this.clientThreads = check(BrokerConfigKeys.CLIENT_THREADS, b.clientThreads);
        this.adminThreads = check(BrokerConfigKeys.ADMIN_THREADS, b.adminThreads);
        this.requestQueueCapacity = check(BrokerConfigKeys.REQUEST_QUEUE_CAPACITY, b.requestQueueCapacity);
        this.timerSettings = new TimerSettings(b.timerEnable, b.timerMaxDelayMs, b.timerPrecisionMs,
                b.timerLookAheadMs, b.timerRollWindowMs, b.timerMaxInFlight);
        this.retryBackoffSchedule = RetryBackoffSchedule.parse(b.retryBackoffSchedule);
        long longestRetryMs = retryBackoffSchedule.longestDelayMs();
        if (longestRetryMs > timerSettings.maxDelayMs()) {
            throw new BrokerConfigException("retryBackoffSchedule holds a delay of " + longestRetryMs + " ms, longer"
                    + " than timerMaxDelayMs = " + timerSettings.maxDelayMs() + ": shorten the schedule or raise"
                    + " timerMaxDelayMs");
        }
        this.storeProperties = Collections.unmodifiableMap(new TreeMap<>(b.storeProperties));
        this.haConfig = b.haConfig;
        this.controllerAddresses = List.copyOf(b.controllerAddresses);
        for (String addr : controllerAddresses) {
            checkAddress(addr);
        }
        this.controllerHeartbeatIntervalMs = check(BrokerConfigKeys.CONTROLLER_HEARTBEAT_INTERVAL_MS,
                b.controllerHeartbeatIntervalMs);
        if (!controllerAddresses.isEmpty() && brokerId < 1) {
            throw new BrokerConfigException("controllerAddresses is set: brokerId is the replica id and must be 1 or"
                    + " more (routes know the current master as 0)");
        }
        if (!controllerAddresses.isEmpty() && haConfig.haListenPort() <= 0) {
            throw new BrokerConfigException("controllerAddresses is set, so any replica may be elected master:"
                    + " set haListenPort to a fixed port (it is " + haConfig.haListenPort() + ")");
        }
        String advertised = b.haAdvertisedAddress == null ? "" : b.haAdvertisedAddress.trim();
        this.haAdvertisedAddressGiven = !advertised.isEmpty();
        if (advertised.isEmpty()) {
            this.haAdvertisedAddress = haConfig.haListenPort() > 0
                    ? new HostPort(brokerIp, haConfig.haListenPort()).toString() : ""; // no fixed port: none to announce
        } else {
            try {
                this.haAdvertisedAddress = HostPort.parse(advertised, "haAdvertisedAddress").toString();
            } catch (InvalidAddressException e) {
                throw new BrokerConfigException(e.getMessage() + "; give the host:port slaves reach this replica's"
                        + " haListenPort at, e.g. 10.0.0.7:10912, or leave it empty for brokerIp:haListenPort", e);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this configuration, for copies that change a key or two. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.brokerClusterName = brokerClusterName;
        b.brokerName = brokerName;
        b.brokerId = brokerId;
        b.brokerIp = brokerIp;
        b.bindAddress = bindAddress;
        b.listenPort = listenPort;
        b.metricsPort = metricsPort;
        b.namesrvAddrs = new ArrayList<>(namesrvAddrs);
        b.storePath = storePath;
        b.flushMode = flushMode;
        b.autoCreateTopic = autoCreateTopic;
        b.defaultTopicQueueNums = defaultTopicQueueNums;
        b.maxMessageBytes = maxMessageBytes;
        b.maxPropertiesBytes = maxPropertiesBytes;
        b.maxBatchMessages = maxBatchMessages;
        b.maxPullMessages = maxPullMessages;
        b.maxPullBytes = maxPullBytes;
        b.registerIntervalMs = registerIntervalMs;
        b.statsIntervalMs = statsIntervalMs;
        b.registerTimeoutMs = registerTimeoutMs;
        b.clientExpireMs = clientExpireMs;
        b.longPollingMaxMs = longPollingMaxMs;
        b.longPollingCheckIntervalMs = longPollingCheckIntervalMs;
        b.longPollingMaxHeld = longPollingMaxHeld;
        b.longPollingMaxHeldPerConnection = longPollingMaxHeldPerConnection;
        b.retryTopicCreatesPerSecond = retryTopicCreatesPerSecond;
        b.offsetFlushIntervalMs = offsetFlushIntervalMs;
        b.transactionCheckIntervalMs = transactionCheckIntervalMs;
        b.transactionTimeoutMs = transactionTimeoutMs;
        b.transactionCheckMax = transactionCheckMax;
        b.transactionMaxTrackedDecisions = transactionMaxTrackedDecisions;
        b.rebalanceLockMaxLiveMs = rebalanceLockMaxLiveMs;
        b.sendThreads = sendThreads;
        b.sendOnIoThread = sendOnIoThread;
        b.livePullsOnIoThread = livePullsOnIoThread;
        b.pullThreads = pullThreads;
        b.clientThreads = clientThreads;
        b.adminThreads = adminThreads;
        b.requestQueueCapacity = requestQueueCapacity;
        b.timerEnable = timerSettings.enabled();
        b.timerMaxDelayMs = timerSettings.maxDelayMs();
        b.timerPrecisionMs = timerSettings.precisionMs();
        b.timerLookAheadMs = timerSettings.lookAheadMs();
        b.timerRollWindowMs = timerSettings.rollWindowMs();
        b.timerMaxInFlight = timerSettings.maxInFlight();
        b.retryBackoffSchedule = retryBackoffSchedule.toString();
        b.storeProperties = new TreeMap<>(storeProperties);
        b.haConfig = haConfig;
        b.controllerAddresses = new ArrayList<>(controllerAddresses);
        b.controllerHeartbeatIntervalMs = controllerHeartbeatIntervalMs;
        b.haAdvertisedAddress = haAdvertisedAddressGiven ? haAdvertisedAddress : "";
        return b;
    }

    /**
     * Reads a broker properties file. Keys the broker does not know are passed to the store's configuration
     * (see {@link #storeProperties()}), which rejects the ones it does not know either.
     *
     * @throws BrokerConfigException naming the first bad key
     */
    public static BrokerConfig fromProperties(Properties props) {
        Builder builder = builder();
        Map<String, String> values = ConfigTable.values(props);
        Map<String, String> store = new TreeMap<>();
        for (String key : BrokerConfigKeys.TABLE.bind(builder, values, BrokerConfigException::new)) {
            store.put(key, values.get(key).trim());
        }
        if (!builder.haValues.isEmpty()) {
            builder.haConfig(BrokerConfigKeys.haConfig(builder.haConfig, builder.haValues));
        }
        return builder.storeProperties(store).build();
    }

    private static int check(ConfigKey<Integer> key, int value) {
        return key.check(value, BrokerConfigException::new);
    }

    private static long check(ConfigKey<Long> key, long value) {
        return key.check(value, BrokerConfigException::new);
    }

    private static void checkAddress(String addr) {
        try {
            HostPort.parse(addr, "namesrvAddrs entry");
        } catch (InvalidAddressException e) {
            throw new BrokerConfigException(e.getMessage() + "; separate several NameServers with ';', e.g."
                    + " 10.0.0.1:9876;10.0.0.2:9876", e);
        }
    }

    private static String name(String key, String value, Consumer<String> validator) {
        try {
            validator.accept(value);
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException(key + ": " + e.getMessage(), e);
        }
        return value;
    }

    public String brokerClusterName() {
        return brokerClusterName;
    }

    public String brokerName() {
        return brokerName;
    }

    /** 0 for a master, > 0 for a slave. */
    public long brokerId() {
        return brokerId;
    }

    /** The IP clients and NameServers reach this broker at (auto-detected when not configured). */
    public String brokerIp() {
        return brokerIp;
    }

    /** The local address the broker listens on; {@code 0.0.0.0} means every interface. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The configured port; 0 picks a free one (see {@code BrokerController.port()}). */
    public int listenPort() {
        return listenPort;
    }

    /** The HTTP port of {@code /metrics} (Prometheus); 0 picks a free port, -1 (the default) serves none. */
    public int metricsPort() {
        return metricsPort;
    }

    public List<String> namesrvAddrs() {
        return namesrvAddrs;
    }

    public Path storePath() {
        return storePath;
    }

    /** {@code <storePath>/config}: topics.json and consumerOffsets.json. */
    public Path configDir() {
        return storePath.resolve("config");
    }

    public FlushMode flushMode() {
        return flushMode;
    }

    public boolean autoCreateTopic() {
        return autoCreateTopic;
    }

    public int defaultTopicQueueNums() {
        return defaultTopicQueueNums;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int maxPropertiesBytes() {
        return maxPropertiesBytes;
    }

    public int maxBatchMessages() {
        return maxBatchMessages;
    }

    public int maxPullMessages() {
        return maxPullMessages;
    }

    public int maxPullBytes() {
        return maxPullBytes;
    }

    public long registerIntervalMs() {
        return registerIntervalMs;
    }

    /** Length of the delivery-latency and topic-rate intervals (GET_DELIVERY_LATENCY, GET_TOPIC_RATES). */
    public long statsIntervalMs() {
        return statsIntervalMs;
    }

    public long registerTimeoutMs() {
        return registerTimeoutMs;
    }

    public long clientExpireMs() {
        return clientExpireMs;
    }

    public long longPollingMaxMs() {
        return longPollingMaxMs;
    }

    public long longPollingCheckIntervalMs() {
        return longPollingCheckIntervalMs;
    }

    /** Pulls held for long polling at once, all connections together; beyond it a pull is answered SYSTEM_BUSY. */
    public int longPollingMaxHeld() {
        return longPollingMaxHeld;
    }

    /** Pulls held for long polling at once for one connection; beyond it a pull is answered SYSTEM_BUSY. */
    public int longPollingMaxHeldPerConnection() {
        return longPollingMaxHeldPerConnection;
    }

    /** Retry and dead-letter topics the broker creates at most per second (each create rewrites topics.json). */
    public int retryTopicCreatesPerSecond() {
        return retryTopicCreatesPerSecond;
    }

    public long offsetFlushIntervalMs() {
        return offsetFlushIntervalMs;
    }

    /** How often the transaction check thread scans for undecided half messages. */
    public long transactionCheckIntervalMs() {
        return transactionCheckIntervalMs;
    }

    /** A half message younger than this is not checked back yet. */
    public long transactionTimeoutMs() {
        return transactionTimeoutMs;
    }

    /** Check-backs per half message before the broker rolls it back. */
    public int transactionCheckMax() {
        return transactionCheckMax;
    }

    /**
     * How many decided half messages the broker tracks above its check boundary (the first undecided half) before
     * it rolls that blocking half back early, once it was checked back at least once.
     */
    public int transactionMaxTrackedDecisions() {
        return transactionMaxTrackedDecisions;
    }

    /** How long an ordered consumer's queue lock lives on this broker without renewal (LOCK_BATCH_MQ). */
    public long rebalanceLockMaxLiveMs() {
        return rebalanceLockMaxLiveMs;
    }

    public int sendThreads() {
        return sendThreads;
    }

    /**
     * Whether SEND_MESSAGE / SEND_BATCH_MESSAGE run on the network I/O thread that read them instead of the send
     * executor (default: yes). The put never waits (a SYNC flush completes its future from the flush thread), so
     * this only removes two thread hand-offs per request and lets the responses of one read share a flush:
     * about 1.5x the async send rate and a third less broker CPU per sync send (docs/benchmarks.md). Turn it
     * off when the CommitLog's disk is slow enough for page faults to stall an append, which would then stall
     * every connection of that I/O thread. The send executor still serves the other send-side requests.
     */
    public boolean sendOnIoThread() {
        return sendOnIoThread;
    }

    /**
     * Whether a pull at its queue's end runs on its connection's I/O thread (default: yes): with nothing to read it is
     * held from there without a hand-off to the pull executor, and when an arrival wakes it, it copies the records
     * just written (in the page cache) and the I/O thread writes the answer at once, so a live consumer's delivery
     * wakes one broker thread instead of two (a pull thread, then the I/O thread for the write). A pull with records
     * to read, which may reach back into cold data, reads on the pull executor; so does a pull woken by its deadline.
     */
    public boolean livePullsOnIoThread() {
        return livePullsOnIoThread;
    }

    public int pullThreads() {
        return pullThreads;
    }

    public int clientThreads() {
        return clientThreads;
    }

    public int adminThreads() {
        return adminThreads;
    }

    public int requestQueueCapacity() {
        return requestQueueCapacity;
    }

    /** Delayed-message keys (timerEnable, timerMaxDelayMs, timerPrecisionMs, ...), validated together. */
    public TimerSettings timerSettings() {
        return timerSettings;
    }

    /** retryBackoffSchedule: how long the n-th retry of a failed message waits. */
    public RetryBackoffSchedule retryBackoffSchedule() {
        return retryBackoffSchedule;
    }

    /** Replication settings; {@link HaConfig#disabled()} unless configured. */
    /** Controller peers ({@code host:port}); empty when roles are configured. */
    public List<String> controllerAddresses() {
        return controllerAddresses;
    }

    public long controllerHeartbeatIntervalMs() {
        return controllerHeartbeatIntervalMs;
    }

    /**
     * haAdvertisedAddress: the HA address ({@code host:port}) this replica announces to the controller, which
     * slaves fetch from while it is master; {@code brokerIp:haListenPort} unless set.
     */
    public String haAdvertisedAddress() {
        return haAdvertisedAddress;
    }

    public HaConfig haConfig() {
        return haConfig;
    }

    /** Store keys passed through to the store's configuration, sorted by key. */
    public Map<String, String> storeProperties() {
        return storeProperties;
    }

    @Override
    public String toString() {
        return "BrokerConfig{cluster=" + brokerClusterName + ", brokerName=" + brokerName + ", brokerId=" + brokerId
                + ", address=" + brokerIp + ":" + listenPort + ", bindAddress=" + bindAddress + ", namesrvAddrs="
                + namesrvAddrs + ", storePath=" + storePath + ", flushMode=" + flushMode + ", autoCreateTopic=" + autoCreateTopic
                + ", maxMessageBytes=" + maxMessageBytes + ", store=" + storeProperties + "}";
    }

    /** Mutable builder with every default; fields are package-visible so the loader reads the defaults. */
    public static final class Builder {
        String brokerClusterName = BrokerConfigKeys.BROKER_CLUSTER_NAME.defaultValue();
        String brokerName = BrokerConfigKeys.BROKER_NAME.defaultValue();
        long brokerId = BrokerConfigKeys.BROKER_ID.defaultValue();
        private String brokerIp;
        String bindAddress = BrokerConfigKeys.BIND_ADDRESS.defaultValue();
        int listenPort = BrokerConfigKeys.LISTEN_PORT.defaultValue();
        int metricsPort = BrokerConfigKeys.METRICS_PORT.defaultValue();
        List<String> namesrvAddrs = BrokerConfigKeys.splitAddresses(BrokerConfigKeys.NAMESRV_ADDRS.defaultValue());
        Path storePath = Path.of(BrokerConfigKeys.STORE_PATH.defaultValue());
        FlushMode flushMode = BrokerConfigKeys.FLUSH_MODE.defaultValue();
        boolean autoCreateTopic = BrokerConfigKeys.AUTO_CREATE_TOPIC.defaultValue();
        int defaultTopicQueueNums = BrokerConfigKeys.DEFAULT_TOPIC_QUEUE_NUMS.defaultValue();
        int maxMessageBytes = BrokerConfigKeys.MAX_MESSAGE_BYTES.defaultValue();
        int maxPropertiesBytes = BrokerConfigKeys.MAX_PROPERTIES_BYTES.defaultValue();
        int maxBatchMessages = BrokerConfigKeys.MAX_BATCH_MESSAGES.defaultValue();
        int maxPullMessages = BrokerConfigKeys.MAX_PULL_MESSAGES.defaultValue();
        int maxPullBytes = BrokerConfigKeys.MAX_PULL_BYTES.defaultValue();
        long registerIntervalMs = BrokerConfigKeys.REGISTER_INTERVAL_MS.defaultValue();
        long statsIntervalMs = BrokerConfigKeys.STATS_INTERVAL_MS.defaultValue();
        long registerTimeoutMs = BrokerConfigKeys.REGISTER_TIMEOUT_MS.defaultValue();
        long clientExpireMs = BrokerConfigKeys.CLIENT_EXPIRE_MS.defaultValue();
        long longPollingMaxMs = BrokerConfigKeys.LONG_POLLING_MAX_MS.defaultValue();
        long longPollingCheckIntervalMs = BrokerConfigKeys.LONG_POLLING_CHECK_INTERVAL_MS.defaultValue();
        int longPollingMaxHeld = BrokerConfigKeys.LONG_POLLING_MAX_HELD.defaultValue();
        int longPollingMaxHeldPerConnection = BrokerConfigKeys.LONG_POLLING_MAX_HELD_PER_CONNECTION.defaultValue();
        int retryTopicCreatesPerSecond = BrokerConfigKeys.RETRY_TOPIC_CREATES_PER_SECOND.defaultValue();
        long offsetFlushIntervalMs = BrokerConfigKeys.OFFSET_FLUSH_INTERVAL_MS.defaultValue();
        long transactionCheckIntervalMs = BrokerConfigKeys.TRANSACTION_CHECK_INTERVAL_MS.defaultValue();
        long transactionTimeoutMs = BrokerConfigKeys.TRANSACTION_TIMEOUT_MS.defaultValue();
        int transactionCheckMax = BrokerConfigKeys.TRANSACTION_CHECK_MAX.defaultValue();
        int transactionMaxTrackedDecisions = BrokerConfigKeys.TRANSACTION_MAX_TRACKED_DECISIONS.defaultValue();
        long rebalanceLockMaxLiveMs = BrokerConfigKeys.REBALANCE_LOCK_MAX_LIVE_MS.defaultValue();
        int sendThreads = BrokerConfigKeys.SEND_THREADS.defaultValue();
        boolean sendOnIoThread = BrokerConfigKeys.SEND_ON_IO_THREAD.defaultValue();
        boolean livePullsOnIoThread = BrokerConfigKeys.LIVE_PULLS_ON_IO_THREAD.defaultValue();
        int pullThreads = BrokerConfigKeys.PULL_THREADS.defaultValue();
        int clientThreads = BrokerConfigKeys.CLIENT_THREADS.defaultValue();
        int adminThreads = BrokerConfigKeys.ADMIN_THREADS.defaultValue();
        int requestQueueCapacity = BrokerConfigKeys.REQUEST_QUEUE_CAPACITY.defaultValue();
        boolean timerEnable = BrokerConfigKeys.TIMER_ENABLE.defaultValue();
        long timerMaxDelayMs = BrokerConfigKeys.TIMER_MAX_DELAY_MS.defaultValue();
        long timerPrecisionMs = BrokerConfigKeys.TIMER_PRECISION_MS.defaultValue();
        long timerLookAheadMs = BrokerConfigKeys.TIMER_LOOK_AHEAD_MS.defaultValue();
        long timerRollWindowMs = BrokerConfigKeys.TIMER_ROLL_WINDOW_MS.defaultValue();
        int timerMaxInFlight = BrokerConfigKeys.TIMER_MAX_IN_FLIGHT.defaultValue();
        String retryBackoffSchedule = BrokerConfigKeys.RETRY_BACKOFF_SCHEDULE.defaultValue();
        Map<String, String> storeProperties = new TreeMap<>();
        HaConfig haConfig = HaConfig.disabled();
        List<String> controllerAddresses = new ArrayList<>();
        long controllerHeartbeatIntervalMs = BrokerConfigKeys.CONTROLLER_HEARTBEAT_INTERVAL_MS.defaultValue();
        String haAdvertisedAddress = BrokerConfigKeys.HA_ADVERTISED_ADDRESS.defaultValue();
        /** Replication keys read from a file, by name; fromProperties applies them to haConfig together. */
        final Map<String, Object> haValues = new java.util.HashMap<>();

        private Builder() {
        }

        public Builder brokerClusterName(String v) { brokerClusterName = v; return this; }
        public Builder brokerName(String v) { brokerName = v; return this; }
        public Builder brokerId(long v) { brokerId = v; return this; }
        /** The IP to advertise; {@code null} auto-detects the first non-loopback IPv4 address. */
        public Builder brokerIp(String v) { brokerIp = v; return this; }
        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder listenPort(int v) { listenPort = v; return this; }
        public Builder metricsPort(int v) { metricsPort = v; return this; }
        public Builder namesrvAddrs(List<String> v) { namesrvAddrs = new ArrayList<>(v); return this; }
        public Builder storePath(Path v) { storePath = v; return this; }
        public Builder flushMode(FlushMode v) { flushMode = v; return this; }
        public Builder autoCreateTopic(boolean v) { autoCreateTopic = v; return this; }
        public Builder defaultTopicQueueNums(int v) { defaultTopicQueueNums = v; return this; }
        public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
        public Builder maxPropertiesBytes(int v) { maxPropertiesBytes = v; return this; }
        public Builder maxBatchMessages(int v) { maxBatchMessages = v; return this; }
        public Builder maxPullMessages(int v) { maxPullMessages = v; return this; }
        public Builder maxPullBytes(int v) { maxPullBytes = v; return this; }
        public Builder registerIntervalMs(long v) { registerIntervalMs = v; return this; }
        public Builder statsIntervalMs(long v) { statsIntervalMs = v; return this; }
        public Builder registerTimeoutMs(long v) { registerTimeoutMs = v; return this; }
        public Builder clientExpireMs(long v) { clientExpireMs = v; return this; }
        public Builder longPollingMaxMs(long v) { longPollingMaxMs = v; return this; }
        public Builder longPollingCheckIntervalMs(long v) { longPollingCheckIntervalMs = v; return this; }
        public Builder longPollingMaxHeld(int v) { longPollingMaxHeld = v; return this; }
        public Builder longPollingMaxHeldPerConnection(int v) { longPollingMaxHeldPerConnection = v; return this; }
        public Builder retryTopicCreatesPerSecond(int v) { retryTopicCreatesPerSecond = v; return this; }
        public Builder offsetFlushIntervalMs(long v) { offsetFlushIntervalMs = v; return this; }
        public Builder transactionCheckIntervalMs(long v) { transactionCheckIntervalMs = v; return this; }
        public Builder transactionTimeoutMs(long v) { transactionTimeoutMs = v; return this; }
        public Builder transactionCheckMax(int v) { transactionCheckMax = v; return this; }
        public Builder transactionMaxTrackedDecisions(int v) { transactionMaxTrackedDecisions = v; return this; }
        public Builder rebalanceLockMaxLiveMs(long v) { rebalanceLockMaxLiveMs = v; return this; }
        public Builder sendThreads(int v) { sendThreads = v; return this; }
        public Builder sendOnIoThread(boolean v) { sendOnIoThread = v; return this; }
        public Builder livePullsOnIoThread(boolean v) { livePullsOnIoThread = v; return this; }
        public Builder pullThreads(int v) { pullThreads = v; return this; }
        public Builder clientThreads(int v) { clientThreads = v; return this; }
        public Builder adminThreads(int v) { adminThreads = v; return this; }
        public Builder requestQueueCapacity(int v) { requestQueueCapacity = v; return this; }
        public Builder timerEnable(boolean v) { timerEnable = v; return this; }
        public Builder timerMaxDelayMs(long v) { timerMaxDelayMs = v; return this; }
        public Builder timerPrecisionMs(long v) { timerPrecisionMs = v; return this; }
        public Builder timerLookAheadMs(long v) { timerLookAheadMs = v; return this; }
        public Builder timerRollWindowMs(long v) { timerRollWindowMs = v; return this; }
        public Builder timerMaxInFlight(int v) { timerMaxInFlight = v; return this; }
        /** Durations such as {@code "10s 30s 1m"} (units ms, s, m, h); see {@link RetryBackoffSchedule}. */
        public Builder retryBackoffSchedule(String v) { retryBackoffSchedule = v; return this; }
        /** Store keys (commitLogFileBytes, flushIntervalMs, ...) handed to the store's configuration. */
        public Builder storeProperties(Map<String, String> v) { storeProperties = new TreeMap<>(v); return this; }
        public Builder storeProperty(String key, String value) { storeProperties.put(key, value); return this; }
        public Builder haConfig(HaConfig v) { haConfig = v; return this; }
        public Builder controllerAddresses(List<String> v) { controllerAddresses = new ArrayList<>(v); return this; }
        public Builder controllerHeartbeatIntervalMs(long v) { controllerHeartbeatIntervalMs = v; return this; }
        public Builder haAdvertisedAddress(String v) { haAdvertisedAddress = v; return this; }

        public BrokerConfig build() {
            return new BrokerConfig(this);
        }
    }
}
