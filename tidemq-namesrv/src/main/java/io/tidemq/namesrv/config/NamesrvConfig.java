package io.tidemq.namesrv.config;

import io.tidemq.common.config.ConfigTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The NameServer's settings; immutable and validated at construction against the ranges of
 * {@link NamesrvConfigKeys} (see docs/configuration.md, section "NameServer"). Build one with
 * {@link #builder()} or from a properties file with {@link #fromProperties(Properties)}, whose keys are the field
 * names.
 *
 * @param listenPort         TCP port brokers and clients connect to; 0 lets the OS pick one (tests)
 * @param bindAddress        local address to listen on; {@code 0.0.0.0} means every interface
 * @param brokerExpireMs     a broker that sent no registration or heartbeat for this long is evicted
 * @param scanIntervalMs     how often the liveness scan looks for expired brokers; at most brokerExpireMs
 * @param requestThreads     threads serving route queries and decoding registrations
 * @param eventQueueCapacity registry events (registrations, heartbeats, evictions) that may wait for the
 *                           event thread; beyond it brokers are answered SYSTEM_BUSY and retry
 * @param metricsPort        HTTP port of {@code /metrics} (Prometheus); 0 picks a free port, -1 (the default)
 *                           serves none
 * @param namesrvReplicationMode how the NameServers replicate the registry; NONE (the default) replicates nothing
 * @param namesrvPrimary     host:port of the primary NameServer when replication is on (no controller)
 * @param namesrvPeers       host:port of every NameServer of the cluster, this one included, comma-separated; in
 *                           CHAIN mode the chain order (the primary is moved to the head)
 * @param namesrvSelfAddr    this NameServer's host:port as it appears in namesrvPeers; empty = bindAddress:listenPort
 * @param namesrvSemiSyncAcks backups that must acknowledge a change in SEMI_SYNC mode
 * @param namesrvBackupLagMaxMs a backup behind for longer leaves the SYNC set; the longest a broker waits for
 *                           acknowledgements in SEMI_SYNC and CHAIN before it is answered NAMESRV_ACK_TIMEOUT
 * @param namesrvOpRingSize  registry operations the NameServer keeps for backups that fall behind; one further
 *                           behind receives a snapshot
 */
public record NamesrvConfig(int listenPort, String bindAddress, long brokerExpireMs, long scanIntervalMs,
                            int requestThreads, int eventQueueCapacity, int metricsPort,
                            ReplicationMode namesrvReplicationMode, String namesrvPrimary, String namesrvPeers,
                            String namesrvSelfAddr, int namesrvSemiSyncAcks, long namesrvBackupLagMaxMs,
                            int namesrvOpRingSize) {

    // compile-time constants (picocli annotations use them); NamesrvConfigKeys declares them as the keys' defaults
    public static final int DEFAULT_LISTEN_PORT = 9876;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final long DEFAULT_BROKER_EXPIRE_MS = 120_000;
    public static final long DEFAULT_SCAN_INTERVAL_MS = 5_000;
    public static final int DEFAULT_REQUEST_THREADS = 4;
    public static final int DEFAULT_EVENT_QUEUE_CAPACITY = 10_000;
    public static final int DEFAULT_METRICS_PORT = -1;
    public static final int DEFAULT_SEMI_SYNC_ACKS = 1;
    public static final long DEFAULT_BACKUP_LAG_MAX_MS = 3_000;
    public static final int DEFAULT_OP_RING_SIZE = 10_000;

    public NamesrvConfig {
        NamesrvConfigKeys.LISTEN_PORT.check(listenPort, NamesrvConfigException::new);
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new NamesrvConfigException("bindAddress must be a host name or IP address (0.0.0.0 for every "
                    + "interface), was '" + bindAddress + "'");
        }
        NamesrvConfigKeys.BROKER_EXPIRE_MS.check(brokerExpireMs, NamesrvConfigException::new);
        long minScanMs = NamesrvConfigKeys.SCAN_INTERVAL_MS.min().longValue();
        if (scanIntervalMs < minScanMs || scanIntervalMs > brokerExpireMs) {
            throw new NamesrvConfigException("scanIntervalMs must be between " + minScanMs
                    + " and brokerExpireMs (" + brokerExpireMs + "), was " + scanIntervalMs
                    + "; a slower scan would keep dead brokers in routes past their expiry");
        }
        NamesrvConfigKeys.REQUEST_THREADS.check(requestThreads, NamesrvConfigException::new);
        NamesrvConfigKeys.EVENT_QUEUE_CAPACITY.check(eventQueueCapacity, NamesrvConfigException::new);
        NamesrvConfigKeys.METRICS_PORT.check(metricsPort, NamesrvConfigException::new);
        if (namesrvReplicationMode == null) {
            namesrvReplicationMode = ReplicationMode.NONE;
        }
        namesrvPrimary = namesrvPrimary == null ? "" : namesrvPrimary.trim();
        namesrvPeers = namesrvPeers == null ? "" : namesrvPeers.trim();
        namesrvSelfAddr = namesrvSelfAddr == null ? "" : namesrvSelfAddr.trim();
        NamesrvConfigKeys.SEMI_SYNC_ACKS.check(namesrvSemiSyncAcks, NamesrvConfigException::new);
        NamesrvConfigKeys.BACKUP_LAG_MAX_MS.check(namesrvBackupLagMaxMs, NamesrvConfigException::new);
        NamesrvConfigKeys.OP_RING_SIZE.check(namesrvOpRingSize, NamesrvConfigException::new);
        if (namesrvReplicationMode != ReplicationMode.NONE) {
            List<String> peers = peerList(namesrvPeers);
            if (peers.size() < 2) {
                throw new NamesrvConfigException("namesrvReplicationMode=" + namesrvReplicationMode + " needs namesrvPeers"
                        + " to list every NameServer (at least 2, host:port, comma-separated), was '" + namesrvPeers
                        + "'; or set namesrvReplicationMode=NONE");
            }
            if (!peers.contains(namesrvPrimary)) {
                throw new NamesrvConfigException("namesrvPrimary must be one of namesrvPeers " + peers + ", was '"
                        + namesrvPrimary + "'");
            }
            String self = namesrvSelfAddr.isEmpty() ? bindAddress + ":" + listenPort : namesrvSelfAddr;
            if (!peers.contains(self)) {
                throw new NamesrvConfigException("this NameServer's address " + self + " is not in namesrvPeers "
                        + peers + "; set namesrvSelfAddr to the host:port the other NameServers reach it at");
            }
            if (namesrvReplicationMode == ReplicationMode.SEMI_SYNC && namesrvSemiSyncAcks > peers.size() - 1) {
                throw new NamesrvConfigException("namesrvSemiSyncAcks must be at most the number of backups ("
                        + (peers.size() - 1) + "), was " + namesrvSemiSyncAcks
                        + "; a larger value could never be reached");
            }
        }
    }

    /** A config without a metrics endpoint. */
    public NamesrvConfig(int listenPort, String bindAddress, long brokerExpireMs, long scanIntervalMs,
                         int requestThreads, int eventQueueCapacity) {
        this(listenPort, bindAddress, brokerExpireMs, scanIntervalMs, requestThreads, eventQueueCapacity,
                DEFAULT_METRICS_PORT);
    }

    /** A config without replication. */
    public NamesrvConfig(int listenPort, String bindAddress, long brokerExpireMs, long scanIntervalMs,
                         int requestThreads, int eventQueueCapacity, int metricsPort) {
        this(listenPort, bindAddress, brokerExpireMs, scanIntervalMs, requestThreads, eventQueueCapacity,
                metricsPort, ReplicationMode.NONE, "", "", "", DEFAULT_SEMI_SYNC_ACKS, DEFAULT_BACKUP_LAG_MAX_MS,
                DEFAULT_OP_RING_SIZE);
    }

    /** namesrvPeers as a list, in the given order. */
    public List<String> peers() {
        return peerList(namesrvPeers);
    }

    /** This NameServer's address among {@link #peers()}. */
    public String selfAddr() {
        return namesrvSelfAddr.isEmpty() ? bindAddress + ":" + listenPort : namesrvSelfAddr;
    }

    private static List<String> peerList(String peers) {
        List<String> list = new ArrayList<>();
        for (String p : peers.split(",")) {
            if (!p.isBlank() && !list.contains(p.trim())) {
                list.add(p.trim());
            }
        }
        return List.copyOf(list);
    }

    /** The defaults: port 9876 on every interface, brokers expire after 120 s, scanned every 5 s. */
    public static NamesrvConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder().listenPort(listenPort).bindAddress(bindAddress).brokerExpireMs(brokerExpireMs)
                .scanIntervalMs(scanIntervalMs).requestThreads(requestThreads).eventQueueCapacity(eventQueueCapacity)
                .metricsPort(metricsPort).namesrvReplicationMode(namesrvReplicationMode).namesrvPrimary(namesrvPrimary)
                .namesrvPeers(namesrvPeers).namesrvSelfAddr(namesrvSelfAddr).namesrvSemiSyncAcks(namesrvSemiSyncAcks)
                .namesrvBackupLagMaxMs(namesrvBackupLagMaxMs).namesrvOpRingSize(namesrvOpRingSize);
    }

    /** The keys {@link #fromProperties} accepts, in documentation order. */
    public static Set<String> keyNames() {
        return NamesrvConfigKeys.TABLE.names();
    }

    /**
     * Reads a config from properties whose keys are this record's field names (the keys of
     * {@link NamesrvConfigKeys}); a key not given keeps its default. Values are trimmed.
     *
     * @throws NamesrvConfigException for an unknown key (a typo would otherwise be silently ignored), a value
     *                                that is not a number where one is expected, or a value out of range
     */
    public static NamesrvConfig fromProperties(Properties properties) {
        Builder builder = builder();
        NamesrvConfigKeys.TABLE.bindAll(builder, ConfigTable.values(properties), NamesrvConfigException::new);
        return builder.build();
    }

    /** Mutable holder of the values; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {

        private int listenPort = DEFAULT_LISTEN_PORT;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private long brokerExpireMs = DEFAULT_BROKER_EXPIRE_MS;
        private long scanIntervalMs = DEFAULT_SCAN_INTERVAL_MS;
        private int requestThreads = DEFAULT_REQUEST_THREADS;
        private int eventQueueCapacity = DEFAULT_EVENT_QUEUE_CAPACITY;
        private int metricsPort = DEFAULT_METRICS_PORT;
        private ReplicationMode namesrvReplicationMode = ReplicationMode.NONE;
        private String namesrvPrimary = "";
        private String namesrvPeers = "";
        private String namesrvSelfAddr = "";
        private int namesrvSemiSyncAcks = DEFAULT_SEMI_SYNC_ACKS;
        private long namesrvBackupLagMaxMs = DEFAULT_BACKUP_LAG_MAX_MS;
        private int namesrvOpRingSize = DEFAULT_OP_RING_SIZE;

        private Builder() {
        }

        public Builder listenPort(int listenPort) {
            this.listenPort = listenPort;
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder brokerExpireMs(long brokerExpireMs) {
            this.brokerExpireMs = brokerExpireMs;
            return this;
        }

        public Builder scanIntervalMs(long scanIntervalMs) {
            this.scanIntervalMs = scanIntervalMs;
            return this;
        }

        public Builder requestThreads(int requestThreads) {
            this.requestThreads = requestThreads;
            return this;
        }

        public Builder eventQueueCapacity(int eventQueueCapacity) {
            this.eventQueueCapacity = eventQueueCapacity;
            return this;
        }

        public Builder metricsPort(int metricsPort) {
            this.metricsPort = metricsPort;
            return this;
        }

        public Builder namesrvReplicationMode(ReplicationMode mode) {
            this.namesrvReplicationMode = mode;
            return this;
        }

        public Builder namesrvPrimary(String namesrvPrimary) {
            this.namesrvPrimary = namesrvPrimary;
            return this;
        }

        public Builder namesrvPeers(String namesrvPeers) {
            this.namesrvPeers = namesrvPeers;
            return this;
        }

        public Builder namesrvSelfAddr(String namesrvSelfAddr) {
            this.namesrvSelfAddr = namesrvSelfAddr;
            return this;
        }

        public Builder namesrvSemiSyncAcks(int namesrvSemiSyncAcks) {
            this.namesrvSemiSyncAcks = namesrvSemiSyncAcks;
            return this;
        }

        public Builder namesrvBackupLagMaxMs(long namesrvBackupLagMaxMs) {
            this.namesrvBackupLagMaxMs = namesrvBackupLagMaxMs;
            return this;
        }

        public Builder namesrvOpRingSize(int namesrvOpRingSize) {
            this.namesrvOpRingSize = namesrvOpRingSize;
            return this;
        }

        /** @throws NamesrvConfigException naming the first key whose value is out of range */
        public NamesrvConfig build() {
            return new NamesrvConfig(listenPort, bindAddress, brokerExpireMs, scanIntervalMs, requestThreads,
                    eventQueueCapacity, metricsPort, namesrvReplicationMode, namesrvPrimary, namesrvPeers,
                    namesrvSelfAddr, namesrvSemiSyncAcks, namesrvBackupLagMaxMs, namesrvOpRingSize);
        }
    }
}
