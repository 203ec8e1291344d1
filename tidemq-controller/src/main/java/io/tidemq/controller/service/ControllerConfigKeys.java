package io.tidemq.controller.service;

import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;
import io.tidemq.controller.node.ControllerNodeConfig;
import io.tidemq.controller.ratis.ControllerRaftConfig;

/**
 * The controller's configuration keys, each declared once: {@link ControllerConfig#fromProperties} binds with
 * {@link #TABLE} and docs/configuration.md ("## Controller") shows {@link ConfigTable#markdownRows()}
 * (ControllerConfigDocTest fails when they disagree).
 */
public final class ControllerConfigKeys {
    public static final ConfigKey<String> CONTROLLER_ID = ConfigKey.ofString(
            "controllerId", "", ControllerConfig.DEFAULT_CONTROLLER_ID, "an id in `controllerPeers`",
            "this peer's id");
    public static final ConfigKey<String> CONTROLLER_PEERS = ConfigKey.ofString(
            "controllerPeers", "id@host:port,…", ControllerConfig.DEFAULT_CONTROLLER_PEERS,
            "1 or more entries, ids unique",
            "every peer of the quorum and its Ratis (gRPC) port; the same list on every peer; 3 peers survive one"
                    + " failure");
    public static final ConfigKey<Integer> CONTROLLER_LISTEN_PORT = ConfigKey.ofInt(
            "controllerListenPort", "TCP port", ControllerConfig.DEFAULT_CONTROLLER_LISTEN_PORT, 0, 65_535,
            "port brokers and `tidemq admin` send controller requests to (TideMQ protocol, codes 300–309); 0 lets"
                    + " the OS pick one");
    public static final ConfigKey<String> BIND_ADDRESS = ConfigKey.ofString(
            "bindAddress", "host/IP", ControllerConfig.DEFAULT_BIND_ADDRESS, "non-blank",
            "local address of `controllerListenPort`; 0.0.0.0 = every interface");
    public static final ConfigKey<String> CONTROLLER_STORE_PATH = ConfigKey.ofString(
            "controllerStorePath", "directory", ControllerConfig.DEFAULT_STORE_PATH, "non-blank",
            "where this peer keeps its Ratis log, metadata and snapshots (in `<controllerId>/`); never shared")
            .defaultText("~/tidemq/controller");
    public static final ConfigKey<Long> MASTER_LEASE_MS = ConfigKey.ofLong(
            "masterLeaseMs", "ms", ControllerNodeConfig.DEFAULT_MASTER_LEASE_MS, 200, 600_000,
            "a master not heard for this long (+10 %) is replaced by an in-sync replica; a new controller leader"
                    + " waits this long before its first election");
    public static final ConfigKey<Long> SCAN_INTERVAL_MS = ConfigKey.ofLong(
            "controllerScanIntervalMs", "ms", ControllerNodeConfig.DEFAULT_SCAN_INTERVAL_MS, 10, 600_000,
            "how often the leader checks masters' leases")
            .allowedText("10–`masterLeaseMs`");
    public static final ConfigKey<Integer> ELECTION_TIMEOUT_MIN_MS = ConfigKey.ofInt(
            "electionTimeoutMinMs", "ms", ControllerRaftConfig.DEFAULT_ELECTION_TIMEOUT_MIN_MS, 100, 60_000,
            "lower bound of the Ratis leader-election timeout (Ratis's own 150 ms churns leaders on a loaded"
                    + " machine)");
    public static final ConfigKey<Integer> ELECTION_TIMEOUT_MAX_MS = ConfigKey.ofInt(
            "electionTimeoutMaxMs", "ms", ControllerRaftConfig.DEFAULT_ELECTION_TIMEOUT_MAX_MS, 200, 120_000,
            "upper bound of the Ratis leader-election timeout")
            .allowedText("above `electionTimeoutMinMs`, up to 120000");
    public static final ConfigKey<Long> SNAPSHOT_EVERY_ENTRIES = ConfigKey.ofLong(
            "snapshotEveryEntries", "entries", ControllerRaftConfig.DEFAULT_SNAPSHOT_EVERY_ENTRIES, 1, 100_000_000,
            "a snapshot of the controller state after this many log entries; the log is purged up to it");
    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.ofInt(
            "metricsPort", "TCP port", ControllerConfig.DEFAULT_METRICS_PORT, -1, 65_535,
            "HTTP port of `/metrics` (Prometheus text format, [metrics.md](metrics.md)) on `bindAddress`; -1 ="
                    + " none, 0 = a free port (`tidemq controller --metrics-port`); a controller inside a NameServer"
                    + " (`--controller-config`) serves its own port, apart from the NameServer's");

    /** Every key, in documentation order. */
    public static final ConfigTable<ControllerConfig.Builder> TABLE =
            ConfigTable.<ControllerConfig.Builder>builder("Controller")
                    .key(CONTROLLER_ID, ControllerConfig.Builder::controllerId)
                    .key(CONTROLLER_PEERS, ControllerConfig.Builder::controllerPeers)
                    .key(CONTROLLER_LISTEN_PORT, ControllerConfig.Builder::controllerListenPort)
                    .key(BIND_ADDRESS, ControllerConfig.Builder::bindAddress)
                    .key(CONTROLLER_STORE_PATH, ControllerConfig.Builder::controllerStorePath)
                    .key(MASTER_LEASE_MS, ControllerConfig.Builder::masterLeaseMs)
                    .key(SCAN_INTERVAL_MS, ControllerConfig.Builder::controllerScanIntervalMs)
                    .key(ELECTION_TIMEOUT_MIN_MS, ControllerConfig.Builder::electionTimeoutMinMs)
                    .key(ELECTION_TIMEOUT_MAX_MS, ControllerConfig.Builder::electionTimeoutMaxMs)
                    .key(SNAPSHOT_EVERY_ENTRIES, ControllerConfig.Builder::snapshotEveryEntries)
                    .key(METRICS_PORT, ControllerConfig.Builder::metricsPort)
                    .build();

    private ControllerConfigKeys() {
    }
}
