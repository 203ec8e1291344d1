package io.tidemq.controller.service;

import io.tidemq.common.config.ConfigTable;
import io.tidemq.controller.node.ControllerNodeConfig;
import io.tidemq.controller.ratis.ControllerPeer;
import io.tidemq.controller.ratis.ControllerRaftConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * One controller peer's configuration (immutable; keys in {@link ControllerConfigKeys}, documented in
 * docs/configuration.md "## Controller").
 */
public record ControllerConfig(String controllerId, String controllerPeers, int controllerListenPort,
                               String bindAddress, String controllerStorePath, long masterLeaseMs,
                               long controllerScanIntervalMs, int electionTimeoutMinMs, int electionTimeoutMaxMs,
                               long snapshotEveryEntries, int metricsPort) {
    public static final String DEFAULT_CONTROLLER_ID = "c0";
    public static final String DEFAULT_CONTROLLER_PEERS = "c0@127.0.0.1:9870";
    public static final int DEFAULT_CONTROLLER_LISTEN_PORT = 9880;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    /** No {@code /metrics} unless asked for ({@code tidemq controller --metrics-port}, or the key). */
    public static final int DEFAULT_METRICS_PORT = -1;
    public static final String DEFAULT_STORE_PATH = System.getProperty("user.home") + "/tidemq/controller";

    public ControllerConfig {
        ControllerConfigKeys.CONTROLLER_LISTEN_PORT.check(controllerListenPort, ControllerConfigException::new);
        ControllerConfigKeys.MASTER_LEASE_MS.check(masterLeaseMs, ControllerConfigException::new);
        ControllerConfigKeys.SCAN_INTERVAL_MS.check(controllerScanIntervalMs, ControllerConfigException::new);
        ControllerConfigKeys.ELECTION_TIMEOUT_MIN_MS.check(electionTimeoutMinMs, ControllerConfigException::new);
        ControllerConfigKeys.ELECTION_TIMEOUT_MAX_MS.check(electionTimeoutMaxMs, ControllerConfigException::new);
        ControllerConfigKeys.SNAPSHOT_EVERY_ENTRIES.check(snapshotEveryEntries, ControllerConfigException::new);
        ControllerConfigKeys.METRICS_PORT.check(metricsPort, ControllerConfigException::new);
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new ControllerConfigException("bindAddress must not be blank");
        }
        if (controllerStorePath == null || controllerStorePath.isBlank()) {
            throw new ControllerConfigException("controllerStorePath must not be blank");
        }
        if (controllerScanIntervalMs > masterLeaseMs) {
            throw new ControllerConfigException("controllerScanIntervalMs (" + controllerScanIntervalMs
                    + ") must not exceed masterLeaseMs (" + masterLeaseMs + ")");
        }
        if (electionTimeoutMaxMs <= electionTimeoutMinMs) {
            throw new ControllerConfigException("electionTimeoutMaxMs (" + electionTimeoutMaxMs
                    + ") must exceed electionTimeoutMinMs (" + electionTimeoutMinMs + ")");
        }
        try {
            new ControllerRaftConfig(controllerId, ControllerPeer.parseList(controllerPeers), Path.of(controllerStorePath),
                    electionTimeoutMinMs, electionTimeoutMaxMs, snapshotEveryEntries,
                    ControllerRaftConfig.DEFAULT_LOG_SEGMENT_MAX_BYTES);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ControllerConfigException(e.getMessage());
        }
    }

    public List<ControllerPeer> peers() {
        return ControllerPeer.parseList(controllerPeers);
    }

    public ControllerNodeConfig toNodeConfig() {
        return new ControllerNodeConfig(new ControllerRaftConfig(controllerId, peers(),
                Path.of(controllerStorePath).resolve(controllerId), electionTimeoutMinMs, electionTimeoutMaxMs,
                snapshotEveryEntries, ControllerRaftConfig.DEFAULT_LOG_SEGMENT_MAX_BYTES),
                masterLeaseMs, controllerScanIntervalMs, 20);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a config from properties whose keys are this record's field names; a key not given keeps its default.
     *
     * @throws ControllerConfigException for an unknown key, a malformed value or one out of range
     */
    public static ControllerConfig fromProperties(Properties properties) {
        Builder builder = builder();
        ControllerConfigKeys.TABLE.bindAll(builder, ConfigTable.values(properties), ControllerConfigException::new);
        return builder.build();
    }

    /** Mutable holder of the values; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private String controllerId = DEFAULT_CONTROLLER_ID;
        private String controllerPeers = DEFAULT_CONTROLLER_PEERS;
        private int controllerListenPort = DEFAULT_CONTROLLER_LISTEN_PORT;
        private int metricsPort = DEFAULT_METRICS_PORT;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private String controllerStorePath = DEFAULT_STORE_PATH;
        private long masterLeaseMs = ControllerNodeConfig.DEFAULT_MASTER_LEASE_MS;
        private long controllerScanIntervalMs = ControllerNodeConfig.DEFAULT_SCAN_INTERVAL_MS;
        private int electionTimeoutMinMs = ControllerRaftConfig.DEFAULT_ELECTION_TIMEOUT_MIN_MS;
        private int electionTimeoutMaxMs = ControllerRaftConfig.DEFAULT_ELECTION_TIMEOUT_MAX_MS;
        private long snapshotEveryEntries = ControllerRaftConfig.DEFAULT_SNAPSHOT_EVERY_ENTRIES;

        private Builder() {
        }

        public Builder controllerId(String v) {
            controllerId = v;
            return this;
        }

        public Builder controllerPeers(String v) {
            controllerPeers = v;
            return this;
        }

        public Builder controllerListenPort(int v) {
            controllerListenPort = v;
            return this;
        }

        public Builder bindAddress(String v) {
            bindAddress = v;
            return this;
        }

        public Builder controllerStorePath(String v) {
            controllerStorePath = v;
            return this;
        }

        public Builder masterLeaseMs(long v) {
            masterLeaseMs = v;
            return this;
        }

        public Builder controllerScanIntervalMs(long v) {
            controllerScanIntervalMs = v;
            return this;
        }

        public Builder electionTimeoutMinMs(int v) {
            electionTimeoutMinMs = v;
            return this;
        }

        public Builder electionTimeoutMaxMs(int v) {
            electionTimeoutMaxMs = v;
            return this;
        }

        public Builder snapshotEveryEntries(long v) {
            snapshotEveryEntries = v;
            return this;
        }

        public Builder metricsPort(int v) {
            metricsPort = v;
            return this;
        }

        public ControllerConfig build() {
            return new ControllerConfig(controllerId, controllerPeers, controllerListenPort, bindAddress,
                    controllerStorePath, masterLeaseMs, controllerScanIntervalMs, electionTimeoutMinMs,
                    electionTimeoutMaxMs, snapshotEveryEntries, metricsPort);
        }
    }
}
