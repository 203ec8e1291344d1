package io.tidemq.client;

import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;

import java.nio.file.Path;

/**
 * The client's configuration keys, each declared once (name, type, unit, default, range, meaning):
 * {@link ClientConfig#fromMap} and {@link ClientConfig.Builder#set} bind with {@link #TABLE}, {@link ClientConfig}
 * checks its values against the same keys' ranges, and docs/configuration.md ("## Client") shows
 * {@link ConfigTable#markdownRows()} (ClientConfigDocTest fails when they disagree).
 */
public final class ClientConfigKeys {

    public static final ConfigKey<String> NAMESRV_ADDRS = ConfigKey.ofString(
            "namesrvAddrs", "host:port list", null, "`;`-separated; IPv6 as `[addr]:port`; port 1–65535",
            "NameServers; a failed route lookup tries the next one")
            .defaultText("(required)");
    public static final ConfigKey<String> INSTANCE_NAME = ConfigKey.ofString(
            "instanceName", "name", ClientConfig.DEFAULT_INSTANCE_NAME, "letters, digits, `_-.`",
            "part of the client id `ip@pid@instanceName`; two members of one group in one process "
                    + "need two names");
    public static final ConfigKey<String> CLIENT_IP = ConfigKey.ofString(
            "clientIp", "IP", null, "",
            "reported in the client id and the message unique ids")
            .defaultText(ConfigKey.DETECTED_LOCAL_IPV4);
    public static final ConfigKey<Long> ROUTE_REFRESH_INTERVAL_MS = ConfigKey.ofLong(
            "routeRefreshIntervalMs", "ms", 30_000, 10, 3_600_000,
            "how often the routes of used topics are fetched again");
    public static final ConfigKey<Long> HEARTBEAT_INTERVAL_MS = ConfigKey.ofLong(
            "heartbeatIntervalMs", "ms", 10_000, 10, 600_000,
            "HEART_BEAT period to every broker of the used routes");
    public static final ConfigKey<Long> REBALANCE_INTERVAL_MS = ConfigKey.ofLong(
            "rebalanceIntervalMs", "ms", 20_000, 10, 3_600_000,
            "periodic rebalance (also on NOTIFY_CONSUMER_IDS_CHANGED)");
    public static final ConfigKey<Long> REQUEST_TIMEOUT_MS = ConfigKey.ofLong(
            "requestTimeoutMs", "ms", 3_000, 1, 600_000,
            "timeout of one request (sends, offsets, routes), connecting included");
    public static final ConfigKey<Integer> RETRY_TIMES_WHEN_SEND_FAILED = ConfigKey.ofInt(
            "retryTimesWhenSendFailed", "retries", 2, 0, 16,
            "extra attempts of a failed send, on another broker when possible");
    public static final ConfigKey<Long> FAULT_AVOIDANCE_MS = ConfigKey.ofLong(
            "faultAvoidanceMs", "ms", 10_000, 0, 3_600_000,
            "a broker whose send failed is skipped this long; 0 = never skip");
    public static final ConfigKey<Integer> MAX_MESSAGE_BYTES = ConfigKey.ofInt(
            "maxMessageBytes", "bytes", ClientConfig.DEFAULT_MAX_MESSAGE_BYTES, 1, 64 * 1024 * 1024,
            "largest body (and encoded batch) the producer sends; checked before sending")
            .defaultText("4194304 (4 MiB)");
    public static final ConfigKey<Long> LONG_POLLING_MS = ConfigKey.ofLong(
            "longPollingMs", "ms", 15_000, 0, 600_000,
            "how long the broker may hold a pull with nothing to return; 0 = no long polling");
    public static final ConfigKey<Integer> PULL_BATCH_SIZE = ConfigKey.ofInt(
            "pullBatchSize", "messages", 32, 1, 1_024,
            "messages asked per pull; also the size a `PullConsumer.poll` aims for");
    public static final ConfigKey<Long> PULL_RETRY_BACKOFF_MS = ConfigKey.ofLong(
            "pullRetryBackoffMs", "ms", 1_000, 1, 60_000,
            "wait before pulling again after a failed pull");
    public static final ConfigKey<Integer> PULL_THRESHOLD_FOR_QUEUE = ConfigKey.ofInt(
            "pullThresholdForQueue", "messages", 1_000, 1, 1_000_000,
            "pulling a queue pauses while this many of its messages are unconsumed");
    public static final ConfigKey<Integer> PULL_THRESHOLD_SIZE_FOR_QUEUE_MB = ConfigKey.ofInt(
            "pullThresholdSizeForQueueMb", "MiB", 100, 1, 16_384,
            "same, by body bytes");
    public static final ConfigKey<Integer> CONSUME_THREADS = ConfigKey.ofInt(
            "consumeThreads", "threads", 8, 1, 1_024,
            "listener threads of a push consumer (`tidemq-consume-<group>-n`)");
    public static final ConfigKey<Integer> CONSUME_BATCH_SIZE = ConfigKey.ofInt(
            "consumeBatchSize", "messages", 1, 1, 1_024,
            "most messages per listener call");
    public static final ConfigKey<Long> CONSUME_RETRY_DELAY_MS = ConfigKey.ofLong(
            "consumeRetryDelayMs", "ms", 1_000, 0, 3_600_000,
            "a batch the listener answered RETRY (or threw on) is redelivered after this");
    public static final ConfigKey<Integer> MAX_RECONSUME_TIMES = ConfigKey.ofInt(
            "maxReconsumeTimes", "retries", 16, 0, 1_000,
            "how often a failed message is consumed again before it goes to `%DLQ%<group>`");
    public static final ConfigKey<Long> CONSUME_TIMEOUT_MS = ConfigKey.ofLong(
            "consumeTimeoutMs", "ms", 900_000, 100, 86_400_000,
            "a concurrent listener call running longer counts as failed: its messages are sent back "
                    + "for retry and its late result is ignored (see [retries and the DLQ](retry-and-dlq.md))")
            .defaultText("900000 (15 min)");
    public static final ConfigKey<Long> SUSPEND_CURRENT_QUEUE_TIME_MS = ConfigKey.ofLong(
            "suspendCurrentQueueTimeMs", "ms", 1_000, 0, 3_600_000,
            "ordered consumption: a queue whose head message failed pauses this long before that "
                    + "message is consumed again, in place");
    public static final ConfigKey<Long> LOCK_RENEW_INTERVAL_MS = ConfigKey.ofLong(
            "lockRenewIntervalMs", "ms", 20_000, 10, 3_600_000,
            "ordered consumption: how often the broker-side queue locks are renewed; keep it at most "
                    + "a third of the broker's `rebalanceLockMaxLiveMs`");
    public static final ConfigKey<Long> OFFSET_COMMIT_INTERVAL_MS = ConfigKey.ofLong(
            "offsetCommitIntervalMs", "ms", 5_000, 10, 600_000,
            "how often consumed offsets are committed (also on close and when a queue moves)");
    public static final ConfigKey<String> OFFSET_STORE_DIR = ConfigKey.ofString(
            "offsetStoreDir", "directory", null, "",
            "broadcasting offsets: `<dir>/<instanceName>/<group>/offsets.json`")
            .defaultText("`~/.tidemq/offsets`");

    /** Every key, in documentation order. */
    public static final ConfigTable<ClientConfig.Builder> TABLE = ConfigTable.<ClientConfig.Builder>builder("client")
            .key(NAMESRV_ADDRS, ClientConfig.Builder::namesrvAddrs)
            .key(INSTANCE_NAME, ClientConfig.Builder::instanceName)
            .key(CLIENT_IP, ClientConfig.Builder::clientIp)
            .key(ROUTE_REFRESH_INTERVAL_MS, ClientConfig.Builder::routeRefreshIntervalMs)
            .key(HEARTBEAT_INTERVAL_MS, ClientConfig.Builder::heartbeatIntervalMs)
            .key(REBALANCE_INTERVAL_MS, ClientConfig.Builder::rebalanceIntervalMs)
            .key(REQUEST_TIMEOUT_MS, ClientConfig.Builder::requestTimeoutMs)
            .key(RETRY_TIMES_WHEN_SEND_FAILED, ClientConfig.Builder::retryTimesWhenSendFailed)
            .key(FAULT_AVOIDANCE_MS, ClientConfig.Builder::faultAvoidanceMs)
            .key(MAX_MESSAGE_BYTES, ClientConfig.Builder::maxMessageBytes)
            .key(LONG_POLLING_MS, ClientConfig.Builder::longPollingMs)
            .key(PULL_BATCH_SIZE, ClientConfig.Builder::pullBatchSize)
            .key(PULL_RETRY_BACKOFF_MS, ClientConfig.Builder::pullRetryBackoffMs)
            .key(PULL_THRESHOLD_FOR_QUEUE, ClientConfig.Builder::pullThresholdForQueue)
            .key(PULL_THRESHOLD_SIZE_FOR_QUEUE_MB, ClientConfig.Builder::pullThresholdSizeForQueueMb)
            .key(CONSUME_THREADS, ClientConfig.Builder::consumeThreads)
            .key(CONSUME_BATCH_SIZE, ClientConfig.Builder::consumeBatchSize)
            .key(CONSUME_RETRY_DELAY_MS, ClientConfig.Builder::consumeRetryDelayMs)
            .key(MAX_RECONSUME_TIMES, ClientConfig.Builder::maxReconsumeTimes)
            .key(CONSUME_TIMEOUT_MS, ClientConfig.Builder::consumeTimeoutMs)
            .key(SUSPEND_CURRENT_QUEUE_TIME_MS, ClientConfig.Builder::suspendCurrentQueueTimeMs)
            .key(LOCK_RENEW_INTERVAL_MS, ClientConfig.Builder::lockRenewIntervalMs)
            .key(OFFSET_COMMIT_INTERVAL_MS, ClientConfig.Builder::offsetCommitIntervalMs)
            .key(OFFSET_STORE_DIR, (b, v) -> b.offsetStoreDir(Path.of(v)))
            .build();


    private ClientConfigKeys() {
    }
}
