package io.tidemq.controller.node;

import io.tidemq.controller.ratis.ControllerRaftConfig;

import java.util.Objects;

/**
 * A controller peer's settings (immutable, validated here).
 *
 * @param raft            the Ratis peer
 * @param masterLeaseMs   a master not heard for this long (plus 10 %) is replaced; a new leader waits this long
 *                        before its first election; brokers heartbeat several times per lease
 * @param scanIntervalMs  how often the leader checks the leases
 * @param proposeAttempts tries of one proposal before it is reported as failed (100 ms apart)
 */
public record ControllerNodeConfig(ControllerRaftConfig raft, long masterLeaseMs, long scanIntervalMs,
                                   int proposeAttempts) {
    public static final long DEFAULT_MASTER_LEASE_MS = 5000;
    public static final long DEFAULT_SCAN_INTERVAL_MS = 250;

    public ControllerNodeConfig {
        Objects.requireNonNull(raft, "raft");
        if (masterLeaseMs < 200 || masterLeaseMs > 600_000) {
            throw new IllegalArgumentException("masterLeaseMs must be 200..600000, got " + masterLeaseMs);
        }
        if (scanIntervalMs < 10 || scanIntervalMs > masterLeaseMs) {
            throw new IllegalArgumentException("controllerScanIntervalMs must be 10..masterLeaseMs, got "
                    + scanIntervalMs);
        }
        if (proposeAttempts < 1) {
            throw new IllegalArgumentException("proposeAttempts must be >= 1, got " + proposeAttempts);
        }
    }
}
