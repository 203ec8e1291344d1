package io.tidemq.namesrv.config;

import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;

/**
 * The NameServer's configuration keys, each declared once: {@link NamesrvConfig#fromProperties} binds with
 * {@link #TABLE}, {@link NamesrvConfig} validates with the same keys' ranges, and docs/configuration.md
 * ("## NameServer") shows {@link ConfigTable#markdownRows()} (NamesrvConfigDocTest fails when they disagree).
 */
public final class NamesrvConfigKeys {

    public static final ConfigKey<Integer> LISTEN_PORT = ConfigKey.ofInt(
            "listenPort", "TCP port", NamesrvConfig.DEFAULT_LISTEN_PORT, 0, 65_535,
            "port brokers and clients connect to; 0 lets the OS pick a free one");
    public static final ConfigKey<String> BIND_ADDRESS = ConfigKey.ofString(
            "bindAddress", "host/IP", NamesrvConfig.DEFAULT_BIND_ADDRESS, "non-blank",
            "local address to listen on; 0.0.0.0 = every interface");
    public static final ConfigKey<Long> BROKER_EXPIRE_MS = ConfigKey.ofLong(
            "brokerExpireMs", "ms", NamesrvConfig.DEFAULT_BROKER_EXPIRE_MS, 100, 86_400_000,
            "a broker with no registration or heartbeat for this long is evicted; a connection idle for this long"
                    + " is closed (and its brokers evicted). Brokers must register more often: each refuses to"
                    + " start with a `registerIntervalMs` not below it");
    /** At most {@link #BROKER_EXPIRE_MS}'s value, checked by {@link NamesrvConfig}. */
    public static final ConfigKey<Long> SCAN_INTERVAL_MS = ConfigKey.ofLong(
            "scanIntervalMs", "ms", NamesrvConfig.DEFAULT_SCAN_INTERVAL_MS, 10, 86_400_000,
            "how often the liveness scan looks for expired brokers")
            .allowedText("10–`brokerExpireMs`");
    public static final ConfigKey<Integer> REQUEST_THREADS = ConfigKey.ofInt(
            "requestThreads", "threads", NamesrvConfig.DEFAULT_REQUEST_THREADS, 1, 256,
            "threads serving route queries and decoding registrations");
    public static final ConfigKey<Integer> EVENT_QUEUE_CAPACITY = ConfigKey.ofInt(
            "eventQueueCapacity", "events", NamesrvConfig.DEFAULT_EVENT_QUEUE_CAPACITY, 16, 1_000_000,
            "registry events waiting for the event thread; beyond it brokers are answered SYSTEM_BUSY");
    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.ofInt(
            "metricsPort", "TCP port", NamesrvConfig.DEFAULT_METRICS_PORT, -1, 65_535,
            "HTTP port of `/metrics` (Prometheus text format, [metrics.md](metrics.md)) on `bindAddress`; -1 ="
                    + " none, 0 = a free port; 5558 is the suggested port (`tidemq namesrv --metrics-port`)");

    public static final ConfigKey<ReplicationMode> REPLICATION_MODE = ConfigKey.ofEnum(
            "namesrvReplicationMode", ReplicationMode.class, ReplicationMode.NONE,
            "how the NameServers replicate the route registry ([namesrv.md](namesrv.md), \"Replication\"): NONE ="
                    + " each keeps its own; ASYNC, SYNC, SEMI_SYNC or CHAIN = the primary's changes are replicated"
                    + " and a backup forwards registrations to it");
    public static final ConfigKey<String> PRIMARY = ConfigKey.ofString(
            "namesrvPrimary", "host:port", "", "one of `namesrvPeers`; required unless NONE",
            "the primary NameServer; ignored when the NameServer runs a controller peer (`--controller-config`: the"
                    + " controller leader's NameServer is primary); `tidemq admin namesrv promote` moves it");
    public static final ConfigKey<String> PEERS = ConfigKey.ofString(
            "namesrvPeers", "host:port,…", "", "2 or more; required unless NONE",
            "every NameServer of the cluster, this one included; in CHAIN mode the chain order (the primary is"
                    + " moved to the head)");
    public static final ConfigKey<String> SELF_ADDR = ConfigKey.ofString(
            "namesrvSelfAddr", "host:port", "", "an entry of `namesrvPeers`",
            "this NameServer's entry in `namesrvPeers`; empty = `bindAddress:listenPort`");
    public static final ConfigKey<Integer> SEMI_SYNC_ACKS = ConfigKey.ofInt(
            "namesrvSemiSyncAcks", "backups", NamesrvConfig.DEFAULT_SEMI_SYNC_ACKS, 1, 64,
            "SEMI_SYNC: backups that must apply a change before the broker is answered")
            .allowedText("1–number of backups");
    public static final ConfigKey<Long> BACKUP_LAG_MAX_MS = ConfigKey.ofLong(
            "namesrvBackupLagMaxMs", "ms", NamesrvConfig.DEFAULT_BACKUP_LAG_MAX_MS, 50, 600_000,
            "SYNC: a backup behind for longer leaves the sync set until it catches up; SEMI_SYNC and CHAIN: the"
                    + " longest a broker waits for acknowledgements before it is answered NAMESRV_ACK_TIMEOUT");
    public static final ConfigKey<Integer> OP_RING_SIZE = ConfigKey.ofInt(
            "namesrvOpRingSize", "operations", NamesrvConfig.DEFAULT_OP_RING_SIZE, 1, 10_000_000,
            "recent registry operations kept to catch up a backup; a backup further behind receives a snapshot");

    /** Every key, in documentation order. */
    public static final ConfigTable<NamesrvConfig.Builder> TABLE =
            ConfigTable.<NamesrvConfig.Builder>builder("NameServer")
                    .key(LISTEN_PORT, NamesrvConfig.Builder::listenPort)
                    .key(BIND_ADDRESS, NamesrvConfig.Builder::bindAddress)
                    .key(BROKER_EXPIRE_MS, NamesrvConfig.Builder::brokerExpireMs)
                    .key(SCAN_INTERVAL_MS, NamesrvConfig.Builder::scanIntervalMs)
                    .key(REQUEST_THREADS, NamesrvConfig.Builder::requestThreads)
                    .key(EVENT_QUEUE_CAPACITY, NamesrvConfig.Builder::eventQueueCapacity)
                    .key(METRICS_PORT, NamesrvConfig.Builder::metricsPort)
                    .key(REPLICATION_MODE, NamesrvConfig.Builder::namesrvReplicationMode)
                    .key(PRIMARY, NamesrvConfig.Builder::namesrvPrimary)
                    .key(PEERS, NamesrvConfig.Builder::namesrvPeers)
                    .key(SELF_ADDR, NamesrvConfig.Builder::namesrvSelfAddr)
                    .key(SEMI_SYNC_ACKS, NamesrvConfig.Builder::namesrvSemiSyncAcks)
                    .key(BACKUP_LAG_MAX_MS, NamesrvConfig.Builder::namesrvBackupLagMaxMs)
                    .key(OP_RING_SIZE, NamesrvConfig.Builder::namesrvOpRingSize)
                    .build();

    private NamesrvConfigKeys() {
    }
}
