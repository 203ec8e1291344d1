package io.tidemq.broker.config;

import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.HaConfig;
import io.tidemq.broker.ha.HaConfigException;
import io.tidemq.broker.ha.ReplicationMode;
import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.store.api.FlushMode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The broker's configuration keys, each declared once (name, type, unit, default, range, meaning):
 * {@link BrokerConfig#fromProperties} binds with {@link #TABLE}, {@link BrokerConfig} checks its values against
 * the same keys' ranges, and docs/configuration.md ("## Broker") shows {@link ConfigTable#markdownRows()}
 * (BrokerConfigDocTest fails when they disagree). The timer keys' ranges that depend on another key are checked
 * together by {@link TimerSettings}.
 */
public final class BrokerConfigKeys {

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    static final int DEFAULT_SEND_THREADS = Math.max(2, Math.min(8, CORES));
    static final int DEFAULT_PULL_THREADS = Math.max(4, Math.min(16, 2 * CORES));

    public static final ConfigKey<String> BROKER_CLUSTER_NAME = ConfigKey.ofString(
            "brokerClusterName", "name", "DefaultCluster", "name rules",
            "cluster the broker registers in");
    public static final ConfigKey<String> BROKER_NAME = ConfigKey.ofString(
            "brokerName", "name", "broker-a", "name rules",
            "broker group name, shared by a master and its slaves");
    public static final ConfigKey<Long> BROKER_ID = ConfigKey.ofLong(
            "brokerId", "id", 0, 0, Long.MAX_VALUE,
            "0 = master, > 0 = slave")
            .allowedText("≥ 0");
    public static final ConfigKey<String> BROKER_IP = ConfigKey.ofString(
            "brokerIp", "IP", null, "",
            "address advertised to NameServers and stored as storeHost")
            .defaultText(ConfigKey.DETECTED_LOCAL_IPV4);
    public static final ConfigKey<Integer> LISTEN_PORT = ConfigKey.ofInt(
            "listenPort", "TCP port", 10_911, 0, 65_535,
            "0 lets the OS pick a free port");
    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.ofInt(
            "metricsPort", "TCP port", -1, -1, 65_535,
            "HTTP port of `/metrics` (Prometheus text format, [metrics.md](metrics.md)) on `bindAddress`; -1 ="
                    + " none, 0 = a free port; 5557 is the suggested port (`tidemq broker --metrics-port`;"
                    + " `tidemq standalone` serves both roles on 5557 by default)");
    public static final ConfigKey<String> BIND_ADDRESS = ConfigKey.ofString(
            "bindAddress", "host/IP", "0.0.0.0", "non-blank",
            "local address to listen on; 0.0.0.0 = every interface (`tidemq standalone` binds "
                    + "127.0.0.1 unless given `--bind` or a non-loopback `--broker-ip`)");
    public static final ConfigKey<String> NAMESRV_ADDRS = ConfigKey.ofString(
            "namesrvAddrs", "host:port list", "", "`;`-separated; IPv6 as `[addr]:port`; port 1–65535",
            "NameServers to register with; empty = no registration")
            .defaultText("(none)");
    public static final ConfigKey<String> STORE_PATH = ConfigKey.ofString(
            "storePath", "directory", "data/broker", "",
            "CommitLog, ConsumeQueues, index, and `config/` (topics.json, consumerOffsets.json, "
                    + "queueLocks.json)");
    public static final ConfigKey<FlushMode> FLUSH_MODE = ConfigKey.ofEnum(
            "flushMode", FlushMode.class, FlushMode.ASYNC,
            "SYNC answers a send only after fsync (group commit)");
    public static final ConfigKey<Boolean> AUTO_CREATE_TOPIC = ConfigKey.ofBoolean(
            "autoCreateTopic", false,
            "create an unknown topic on first send (`tidemq standalone` turns it on)");
    public static final ConfigKey<Integer> DEFAULT_TOPIC_QUEUE_NUMS = ConfigKey.ofInt(
            "defaultTopicQueueNums", "queues", 8, 1, TopicConfig.MAX_QUEUE_NUMS,
            "queues of an auto-created topic");
    public static final ConfigKey<Integer> MAX_MESSAGE_BYTES = ConfigKey.ofInt(
            "maxMessageBytes", "bytes", 4 * 1024 * 1024, 1, FrameLayout.MAX_PULL_RESPONSE_BODY_BYTES,
            "largest message body; also the largest batch body")
            .defaultText("4194304 (4 MiB)");
    public static final ConfigKey<Integer> MAX_PROPERTIES_BYTES = ConfigKey.ofInt(
            "maxPropertiesBytes", "bytes", 16_384, 64, BrokerConfig.MAX_PROPERTIES_BYTES_LIMIT,
            "largest encoded properties of one message");
    public static final ConfigKey<Integer> MAX_BATCH_MESSAGES = ConfigKey.ofInt(
            "maxBatchMessages", "messages", 1_024, 1, 100_000,
            "messages in one SEND_BATCH_MESSAGE");
    public static final ConfigKey<Integer> MAX_PULL_MESSAGES = ConfigKey.ofInt(
            "maxPullMessages", "messages", 256, 1, 10_000,
            "cap on a pull's `maxMsgNums`");
    public static final ConfigKey<Integer> MAX_PULL_BYTES = ConfigKey.ofInt(
            "maxPullBytes", "bytes", 8 * 1024 * 1024, 1_024, FrameLayout.MAX_PULL_RESPONSE_BODY_BYTES,
            "most record bytes in one pull response (at least one message is returned); at most 64 "
                    + "MiB, so every response fits the clients' frame limit (64 MiB + 2 MiB), and the broker's "
                    + "own frame limit grows with it")
            .defaultText("8388608 (8 MiB)");
    public static final ConfigKey<Long> REGISTER_INTERVAL_MS = ConfigKey.ofLong(
            "registerIntervalMs", "ms", 30_000, 100, 600_000,
            "period of REGISTER_BROKER to every NameServer; must be below every NameServer's "
                    + "`brokerExpireMs` (120000 by default): the broker registers once at start and refuses to "
                    + "start otherwise, naming both keys");
    public static final ConfigKey<Long> STATS_INTERVAL_MS = ConfigKey.ofLong(
            "statsIntervalMs", "ms", 10_000, 100, 600_000,
            "length of the intervals over which the broker measures each consumer group's delivery latency "
                    + "p50/p99 (GET_DELIVERY_LATENCY) and each topic's messages in and out per second "
                    + "(GET_TOPIC_RATES), shown by the console's charts");
    public static final ConfigKey<Long> REGISTER_TIMEOUT_MS = ConfigKey.ofLong(
            "registerTimeoutMs", "ms", 3_000, 100, 60_000,
            "timeout of one (un)registration call");
    public static final ConfigKey<Long> CLIENT_EXPIRE_MS = ConfigKey.ofLong(
            "clientExpireMs", "ms", 120_000, 1_000, 3_600_000,
            "a client silent this long leaves its groups and is disconnected");
    public static final ConfigKey<Long> LONG_POLLING_MAX_MS = ConfigKey.ofLong(
            "longPollingMaxMs", "ms", 30_000, 0, 300_000,
            "cap on a pull's `suspendTimeoutMs`; 0 disables long polling");
    public static final ConfigKey<Long> LONG_POLLING_CHECK_INTERVAL_MS = ConfigKey.ofLong(
            "longPollingCheckIntervalMs", "ms", 200, 10, 10_000,
            "how often held pulls are expired and re-checked (arrivals wake them at once)");
    public static final ConfigKey<Integer> LONG_POLLING_MAX_HELD = ConfigKey.ofInt(
            "longPollingMaxHeld", "pulls", 20_000, 1, 1_000_000,
            "pulls held for long polling at once, all connections together; a pull beyond it is "
                    + "answered `SYSTEM_BUSY` (the consumer pulls again after `pullRetryBackoffMs`)");
    public static final ConfigKey<Integer> LONG_POLLING_MAX_HELD_PER_CONNECTION = ConfigKey.ofInt(
            "longPollingMaxHeldPerConnection", "pulls", 2_000, 1, 1_000_000,
            "the same limit per client connection (one client instance holds one connection per "
                    + "broker, for all its groups and queues)");
    public static final ConfigKey<Integer> RETRY_TOPIC_CREATES_PER_SECOND = ConfigKey.ofInt(
            "retryTopicCreatesPerSecond", "topics/s", 20, 1, 10_000,
            "retry and dead-letter topics the broker creates at most per second (each creation "
                    + "rewrites `topics.json` and re-registers); beyond it a heartbeat creates nothing (the "
                    + "next one tries again) and a send-back is answered `SYSTEM_BUSY`");
    public static final ConfigKey<Long> OFFSET_FLUSH_INTERVAL_MS = ConfigKey.ofLong(
            "offsetFlushIntervalMs", "ms", 5_000, 100, 600_000,
            "how often committed consumer offsets are written to disk");
    public static final ConfigKey<Long> TRANSACTION_CHECK_INTERVAL_MS = ConfigKey.ofLong(
            "transactionCheckIntervalMs", "ms", 60_000, 10, 3_600_000,
            "how often the `tidemq-transaction-check` thread scans for undecided half messages (see "
                    + "[transactions](transactions.md))");
    public static final ConfigKey<Long> TRANSACTION_TIMEOUT_MS = ConfigKey.ofLong(
            "transactionTimeoutMs", "ms", 6_000, 10, 86_400_000,
            "a half message younger than this is not checked back yet");
    public static final ConfigKey<Integer> TRANSACTION_CHECK_MAX = ConfigKey.ofInt(
            "transactionCheckMax", "check-backs", 15, 1, 1_000,
            "check-backs per half message; after that many without an answer it is rolled back "
                    + "(logged at WARN)");
    public static final ConfigKey<Integer> TRANSACTION_MAX_TRACKED_DECISIONS = ConfigKey.ofInt(
            "transactionMaxTrackedDecisions", "decisions", 200_000, 1_000, 10_000_000,
            "decisions tracked behind the oldest undecided half message; past that, it is rolled back "
                    + "once it was checked back once (logged at WARN)");
    public static final ConfigKey<Long> REBALANCE_LOCK_MAX_LIVE_MS = ConfigKey.ofLong(
            "rebalanceLockMaxLiveMs", "ms", 60_000, 100, 3_600_000,
            "lease of an ordered consumer's queue lock (LOCK_BATCH_MQ): a lock not renewed within "
                    + "this goes to the next member that asks (see [ordered messages](ordered-messages.md)); in "
                    + "memory only");
    public static final ConfigKey<Boolean> TIMER_ENABLE = ConfigKey.ofBoolean(
            "timerEnable", true,
            "accept delayed messages (DELAY_MS / DELIVER_AT_MS); when false they are refused with "
                    + "MESSAGE_ILLEGAL (see [delayed messages](delayed-messages.md))");
    public static final ConfigKey<Long> TIMER_MAX_DELAY_MS = ConfigKey.ofLong(
            "timerMaxDelayMs", "ms", TimerSettings.DEFAULT_MAX_DELAY_MS, 1_000, 365L * 86_400_000,
            "longest delay accepted; beyond it a send answers MESSAGE_ILLEGAL")
            .defaultText("3456000000 (40 days)");
    public static final ConfigKey<Long> TIMER_PRECISION_MS = ConfigKey.ofLong(
            "timerPrecisionMs", "ms", TimerSettings.DEFAULT_PRECISION_MS, 10, 60_000,
            "width of one on-disk timer slot; cannot change while delayed messages are pending");
    public static final ConfigKey<Long> TIMER_LOOK_AHEAD_MS = ConfigKey.ofLong(
            "timerLookAheadMs", "ms", TimerSettings.DEFAULT_LOOK_AHEAD_MS, 10, 600_000,
            "slots due within this are loaded into the in-memory timing wheel; everything later stays "
                    + "on disk")
            .allowedText("timerPrecisionMs–600000");
    public static final ConfigKey<Long> TIMER_ROLL_WINDOW_MS = ConfigKey.ofLong(
            "timerRollWindowMs", "ms", TimerSettings.DEFAULT_ROLL_WINDOW_MS, 1_000, 7L * 86_400_000,
            "a message due later than this after it was stored is re-put into TIDEMQ_SYS_TIMER at "
                    + "that point, so CommitLog retention never deletes a waiting message; the slot ring spans "
                    + "twice this")
            .defaultText("86400000 (1 day)")
            .allowedText("max(1000, timerPrecisionMs)–604800000, and ≤ half of `retentionHours`");
    public static final ConfigKey<Integer> TIMER_MAX_IN_FLIGHT = ConfigKey.ofInt(
            "timerMaxInFlight", "entries", TimerSettings.DEFAULT_MAX_IN_FLIGHT, 100, 10_000_000,
            "most scheduled entries held in memory at once (bounds the heap when many are due "
                    + "together, e.g. after downtime)");
    public static final ConfigKey<String> RETRY_BACKOFF_SCHEDULE = ConfigKey.ofString(
            "retryBackoffSchedule", "durations", RetryBackoffSchedule.DEFAULT,
            "1–64 entries, each 1ms–168h and ≤ `timerMaxDelayMs`; units `ms`, `s`, `m`, `h`; space- "
                    + "or comma-separated",
            "wait before the n-th retry of a failed message (CONSUMER_SEND_MSG_BACK); retries past "
                    + "the last entry wait the last one (see [retries and the DLQ](retry-and-dlq.md))")
            .defaultText("`10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h`");
    public static final ConfigKey<Integer> SEND_THREADS = ConfigKey.ofInt(
            "sendThreads", "threads", DEFAULT_SEND_THREADS, 1, 256,
            "executor of SEND_MESSAGE / SEND_BATCH_MESSAGE when `sendOnIoThread` is off, and of "
                    + "END_TRANSACTION / CONSUMER_SEND_MSG_BACK")
            .defaultText("cores, 2–8");
    public static final ConfigKey<Boolean> SEND_ON_IO_THREAD = ConfigKey.ofBoolean(
            "sendOnIoThread", true,
            "run SEND_MESSAGE / SEND_BATCH_MESSAGE on the network I/O thread that read them (no "
                    + "hand-off; the put never waits, a SYNC flush answers from the flush thread). Turn off "
                    + "when a slow CommitLog disk can stall appends (see docs/benchmarks.md)")
            .unitText("boolean")
            .allowedText("true, false");
    public static final ConfigKey<Boolean> LIVE_PULLS_ON_IO_THREAD = ConfigKey.ofBoolean(
            "livePullsOnIoThread", true,
            "run a pull at its queue's end on the network I/O thread of its connection: one with nothing to "
                    + "read yet is held from there, and one woken by a new message reads the records just written "
                    + "(in the page cache) and writes the answer without another hand-off. A pull with records to "
                    + "read (a consumer catching up) still reads on the `pullThreads` executor; off: every pull does")
            .unitText("boolean")
            .allowedText("true, false");
    public static final ConfigKey<Integer> PULL_THREADS = ConfigKey.ofInt(
            "pullThreads", "threads", DEFAULT_PULL_THREADS, 1, 256,
            "PULL_MESSAGE executor (also re-runs woken long polls)")
            .defaultText("2 × cores, 4–16");
    public static final ConfigKey<Integer> CLIENT_THREADS = ConfigKey.ofInt(
            "clientThreads", "threads", 2, 1, 256,
            "offsets, heartbeats and group queries executor");
    public static final ConfigKey<Integer> ADMIN_THREADS = ConfigKey.ofInt(
            "adminThreads", "threads", 2, 1, 64,
            "administration executor");
    public static final ConfigKey<Integer> REQUEST_QUEUE_CAPACITY = ConfigKey.ofInt(
            "requestQueueCapacity", "requests", 20_000, 16, 1_000_000,
            "queued requests per executor before SYSTEM_BUSY");

    // replication: HaConfig checks these together, so a file's values are staged and applied by haConfig(...)
    public static final ConfigKey<BrokerRole> BROKER_ROLE = ConfigKey.ofEnum(
            "brokerRole", BrokerRole.class, BrokerRole.MASTER,
            "replication role in the group (`brokerName`); the replica id is `brokerId`. A SLAVE copies"
                    + " `haMasterAddress` and refuses writes (`docs/high-availability.md`)");
    public static final ConfigKey<Integer> HA_LISTEN_PORT = ConfigKey.ofInt(
            "haListenPort", "TCP port", HaConfig.DISABLED_PORT, -1, 65_535,
            "master: port slaves fetch the CommitLog from; -1 = replication off, 0 = any free port");
    public static final ConfigKey<String> HA_MASTER_ADDRESS = ConfigKey.ofString(
            "haMasterAddress", "host:port", null, "required for SLAVE",
            "the master's `haListenPort`");
    public static final ConfigKey<ReplicationMode> REPLICATION_MODE = ConfigKey.ofEnum(
            "replicationMode", ReplicationMode.class, ReplicationMode.ASYNC,
            "SYNC acknowledges a send when every in-sync replica holds it, refuses it at once"
                    + " (`IN_SYNC_REPLICAS_NOT_ENOUGH`) below `minInSyncReplicas`, and lets consumers see only"
                    + " committed records; needs `haListenPort`");
    public static final ConfigKey<Integer> MIN_IN_SYNC_REPLICAS = ConfigKey.ofInt(
            "minInSyncReplicas", "replicas", 1, 1, 16,
            "SYNC: fewest in-sync replicas, the master included, for a send to be accepted (2 = master + one"
                    + " slave)");
    public static final ConfigKey<Long> REPLICA_LAG_MAX_MS = ConfigKey.ofLong(
            "replicaLagMaxMs", "ms", 10_000, 100, 3_600_000,
            "a slave not caught up with the master's log end for this long leaves the in-sync set");
    public static final ConfigKey<Long> REPLICA_ACK_TIMEOUT_MS = ConfigKey.ofLong(
            "replicaAckTimeoutMs", "ms", 3_000, 10, 3_600_000,
            "SYNC: a stored send not held by every in-sync replica within this fails with"
                    + " `FLUSH_SLAVE_TIMEOUT`");
    public static final ConfigKey<Integer> HA_TRANSFER_BATCH_BYTES = ConfigKey.ofInt(
            "haTransferBatchBytes", "bytes", 256 * 1024, 64 * 1024, 8 << 20,
            "most CommitLog bytes in one fetch answer (a larger record goes alone)")
            .defaultText("262144 (256 KiB)");
    public static final ConfigKey<Long> HA_FETCH_MAX_WAIT_MS = ConfigKey.ofLong(
            "haFetchMaxWaitMs", "ms", 1_000, 1, 60_000,
            "how long the master holds a slave's fetch at its log end before answering empty");
    public static final ConfigKey<Boolean> HA_ADOPT_EXISTING_STORE = ConfigKey.ofBoolean(
            "haAdoptExistingStore", false,
            "start replication on a store that has CommitLog data but no `ha/replica.meta` (a broker that ran"
                    + " without replication)")
            .unitText("boolean")
            .allowedText("true, false");
    public static final ConfigKey<Boolean> TRUNCATED_BACKUP = ConfigKey.ofBoolean(
            "truncatedBackup", false,
            "keep the CommitLog bytes this replica cuts to rejoin its master (what a former master wrote alone) in"
                    + " `ha/truncated/`, one file per cut, for the operator")
            .unitText("boolean")
            .allowedText("true, false");
    public static final ConfigKey<String> CONTROLLER_ADDRESSES = ConfigKey.ofString(
            "controllerAddresses", "host:port list", "", "`;`-separated; each peer's `controllerListenPort`",
            "controller peers: when set, the controller decides this replica's role at run time (`brokerRole` and"
                    + " `haMasterAddress` are ignored) and `haListenPort` must be a fixed port; empty = roles as"
                    + " configured (`docs/high-availability.md`)");
    public static final ConfigKey<Long> CONTROLLER_HEARTBEAT_INTERVAL_MS = ConfigKey.ofLong(
            "controllerHeartbeatIntervalMs", "ms", 500, 50, 60_000,
            "period of the heartbeat to every controller peer and of the in-sync set check; several per the"
                    + " controller's `masterLeaseMs`");

    public static final ConfigKey<String> HA_ADVERTISED_ADDRESS = ConfigKey.ofString(
            "haAdvertisedAddress", "host:port", "", "empty or host:port (IPv6 as `[addr]:port`), port 1–65535",
            "with `controllerAddresses`: the address this replica announces to the controller for its slaves to fetch"
                    + " from when it is master; set it when slaves reach the `haListenPort` through NAT, a container"
                    + " port mapping or a proxy")
            .defaultText("`brokerIp`:`haListenPort`");

    /** Every key, in documentation order. */
    public static final ConfigTable<BrokerConfig.Builder> TABLE = ConfigTable.<BrokerConfig.Builder>builder("broker")
            .key(BROKER_CLUSTER_NAME, BrokerConfig.Builder::brokerClusterName)
            .key(BROKER_NAME, BrokerConfig.Builder::brokerName)
            .key(BROKER_ID, BrokerConfig.Builder::brokerId)
            .key(BROKER_IP, BrokerConfig.Builder::brokerIp)
            .key(LISTEN_PORT, BrokerConfig.Builder::listenPort)
            .key(METRICS_PORT, BrokerConfig.Builder::metricsPort)
            .key(BIND_ADDRESS, BrokerConfig.Builder::bindAddress)
            .key(NAMESRV_ADDRS, (b, v) -> b.namesrvAddrs(splitAddresses(v)))
            .key(STORE_PATH, (b, v) -> b.storePath(Path.of(v)))
            .key(FLUSH_MODE, BrokerConfig.Builder::flushMode)
            .key(AUTO_CREATE_TOPIC, BrokerConfig.Builder::autoCreateTopic)
            .key(DEFAULT_TOPIC_QUEUE_NUMS, BrokerConfig.Builder::defaultTopicQueueNums)
            .key(MAX_MESSAGE_BYTES, BrokerConfig.Builder::maxMessageBytes)
            .key(MAX_PROPERTIES_BYTES, BrokerConfig.Builder::maxPropertiesBytes)
            .key(MAX_BATCH_MESSAGES, BrokerConfig.Builder::maxBatchMessages)
            .key(MAX_PULL_MESSAGES, BrokerConfig.Builder::maxPullMessages)
            .key(MAX_PULL_BYTES, BrokerConfig.Builder::maxPullBytes)
            .key(REGISTER_INTERVAL_MS, BrokerConfig.Builder::registerIntervalMs)
            .key(REGISTER_TIMEOUT_MS, BrokerConfig.Builder::registerTimeoutMs)
            .key(STATS_INTERVAL_MS, BrokerConfig.Builder::statsIntervalMs)
            .key(CLIENT_EXPIRE_MS, BrokerConfig.Builder::clientExpireMs)
            .key(LONG_POLLING_MAX_MS, BrokerConfig.Builder::longPollingMaxMs)
            .key(LONG_POLLING_CHECK_INTERVAL_MS, BrokerConfig.Builder::longPollingCheckIntervalMs)
            .key(LONG_POLLING_MAX_HELD, BrokerConfig.Builder::longPollingMaxHeld)
            .key(LONG_POLLING_MAX_HELD_PER_CONNECTION, BrokerConfig.Builder::longPollingMaxHeldPerConnection)
            .key(RETRY_TOPIC_CREATES_PER_SECOND, BrokerConfig.Builder::retryTopicCreatesPerSecond)
            .key(OFFSET_FLUSH_INTERVAL_MS, BrokerConfig.Builder::offsetFlushIntervalMs)
            .key(TRANSACTION_CHECK_INTERVAL_MS, BrokerConfig.Builder::transactionCheckIntervalMs)
            .key(TRANSACTION_TIMEOUT_MS, BrokerConfig.Builder::transactionTimeoutMs)
            .key(TRANSACTION_CHECK_MAX, BrokerConfig.Builder::transactionCheckMax)
            .key(TRANSACTION_MAX_TRACKED_DECISIONS, BrokerConfig.Builder::transactionMaxTrackedDecisions)
            .key(REBALANCE_LOCK_MAX_LIVE_MS, BrokerConfig.Builder::rebalanceLockMaxLiveMs)
            .key(TIMER_ENABLE, BrokerConfig.Builder::timerEnable)
            .key(TIMER_MAX_DELAY_MS, BrokerConfig.Builder::timerMaxDelayMs)
            .key(TIMER_PRECISION_MS, BrokerConfig.Builder::timerPrecisionMs)
            .key(TIMER_LOOK_AHEAD_MS, BrokerConfig.Builder::timerLookAheadMs)
            .key(TIMER_ROLL_WINDOW_MS, BrokerConfig.Builder::timerRollWindowMs)
            .key(TIMER_MAX_IN_FLIGHT, BrokerConfig.Builder::timerMaxInFlight)
            .key(RETRY_BACKOFF_SCHEDULE, BrokerConfig.Builder::retryBackoffSchedule)
            .key(SEND_THREADS, BrokerConfig.Builder::sendThreads)
            .key(SEND_ON_IO_THREAD, BrokerConfig.Builder::sendOnIoThread)
            .key(LIVE_PULLS_ON_IO_THREAD, BrokerConfig.Builder::livePullsOnIoThread)
            .key(PULL_THREADS, BrokerConfig.Builder::pullThreads)
            .key(CLIENT_THREADS, BrokerConfig.Builder::clientThreads)
            .key(ADMIN_THREADS, BrokerConfig.Builder::adminThreads)
            .key(REQUEST_QUEUE_CAPACITY, BrokerConfig.Builder::requestQueueCapacity)
            .key(BROKER_ROLE, staged(BROKER_ROLE))
            .key(HA_LISTEN_PORT, staged(HA_LISTEN_PORT))
            .key(HA_MASTER_ADDRESS, staged(HA_MASTER_ADDRESS))
            .key(REPLICATION_MODE, staged(REPLICATION_MODE))
            .key(MIN_IN_SYNC_REPLICAS, staged(MIN_IN_SYNC_REPLICAS))
            .key(REPLICA_LAG_MAX_MS, staged(REPLICA_LAG_MAX_MS))
            .key(REPLICA_ACK_TIMEOUT_MS, staged(REPLICA_ACK_TIMEOUT_MS))
            .key(HA_TRANSFER_BATCH_BYTES, staged(HA_TRANSFER_BATCH_BYTES))
            .key(HA_FETCH_MAX_WAIT_MS, staged(HA_FETCH_MAX_WAIT_MS))
            .key(HA_ADOPT_EXISTING_STORE, staged(HA_ADOPT_EXISTING_STORE))
            .key(TRUNCATED_BACKUP, staged(TRUNCATED_BACKUP))
            .key(CONTROLLER_ADDRESSES, (b, v) -> b.controllerAddresses(splitAddresses(v)))
            .key(CONTROLLER_HEARTBEAT_INTERVAL_MS, BrokerConfig.Builder::controllerHeartbeatIntervalMs)
            .key(HA_ADVERTISED_ADDRESS, BrokerConfig.Builder::haAdvertisedAddress)
            .build();


    private BrokerConfigKeys() {
    }

    /** A replication key is kept until all are read, then applied by {@link #haConfig}. */
    private static <T> BiConsumer<BrokerConfig.Builder, T> staged(ConfigKey<T> key) {
        return (builder, value) -> builder.haValues.put(key.name(), value);
    }

    /**
     * The replication settings of {@code base} with the values a file gave ({@code given}: key name to parsed
     * value), checked together by {@link HaConfig}.
     *
     * @throws BrokerConfigException when they do not fit together (e.g. a SLAVE without haMasterAddress)
     */
    static HaConfig haConfig(HaConfig base, Map<String, Object> given) {
        try {
            return new HaConfig(
                    value(given, BROKER_ROLE, base.role()),
                    value(given, HA_LISTEN_PORT, base.haListenPort()),
                    value(given, HA_MASTER_ADDRESS, base.haMasterAddress()),
                    value(given, REPLICATION_MODE, base.replicationMode()),
                    value(given, MIN_IN_SYNC_REPLICAS, base.minInSyncReplicas()),
                    value(given, REPLICA_LAG_MAX_MS, base.replicaLagMaxMs()),
                    value(given, REPLICA_ACK_TIMEOUT_MS, base.replicaAckTimeoutMs()),
                    value(given, HA_TRANSFER_BATCH_BYTES, base.haTransferBatchBytes()),
                    value(given, HA_FETCH_MAX_WAIT_MS, base.haFetchMaxWaitMs()),
                    value(given, HA_ADOPT_EXISTING_STORE, base.haAdoptExistingStore()),
                    value(given, TRUNCATED_BACKUP, base.truncatedBackup()));
        } catch (HaConfigException e) {
            throw new BrokerConfigException(e.getMessage(), e);
        }
    }

    private static <T> T value(Map<String, Object> given, ConfigKey<T> key, T otherwise) {
        Object v = given.get(key.name());
        return v == null ? otherwise : key.type().cast(v);
    }

    /** {@code namesrvAddrs}: NameServers as {@code host:port}, by {@link HostPort}'s one list rule. */
    static List<String> splitAddresses(String raw) {
        try {
            return HostPort.parseListAsText(raw, "namesrvAddrs entry");
        } catch (InvalidAddressException e) {
            throw new BrokerConfigException(e.getMessage(), e);
        }
    }
}
