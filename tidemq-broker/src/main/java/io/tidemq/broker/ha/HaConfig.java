package io.tidemq.broker.ha;

import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;

/**
 * Replication settings of a broker. The group is the broker's {@code brokerName} and the replica id its
 * {@code brokerId}. Replication is off while {@code haListenPort} is -1 on a master. Immutable.
 *
 * @param role                 MASTER or SLAVE
 * @param haListenPort         master: the port slaves fetch from (0 = any free port, -1 = replication off)
 * @param haMasterAddress      slave: {@code host:port} of the master's HA port
 * @param replicationMode      ASYNC or SYNC
 * @param minInSyncReplicas    SYNC: fewest in-sync replicas, the master included, for a send to be accepted
 * @param replicaLagMaxMs      a slave that has not caught up with the master's end for this long leaves the
 *                             in-sync set
 * @param replicaAckTimeoutMs  SYNC: a send not held by every in-sync replica within this fails with
 *                             FLUSH_SLAVE_TIMEOUT (the record stays stored)
 * @param haTransferBatchBytes most bytes of one fetch answer (one record more when a record is larger)
 * @param haFetchMaxWaitMs     how long the master holds a fetch at its log end before answering empty
 * @param haAdoptExistingStore start replication on a store that has CommitLog data but no {@code ha/replica.meta}
 * @param truncatedBackup      keep the bytes a truncation cuts in {@code ha/truncated/} for the operator
 */
public record HaConfig(BrokerRole role, int haListenPort, String haMasterAddress, ReplicationMode replicationMode,
                       int minInSyncReplicas, long replicaLagMaxMs, long replicaAckTimeoutMs,
                       int haTransferBatchBytes, long haFetchMaxWaitMs, boolean haAdoptExistingStore,
                       boolean truncatedBackup) {

    public static final int DISABLED_PORT = -1;

    public HaConfig {
        if (role == BrokerRole.SLAVE) {
            try {
                HostPort.parse(haMasterAddress, "haMasterAddress");
            } catch (InvalidAddressException e) {
                throw new HaConfigException("brokerRole=SLAVE needs haMasterAddress=host:port (the master's"
                        + " haListenPort): " + e.getMessage());
            }
        }
        if (haListenPort < DISABLED_PORT || haListenPort > 65_535) {
            throw new HaConfigException("haListenPort = " + haListenPort + " must be -1 (off), 0 (any) or a port");
        }
        if (replicationMode == ReplicationMode.SYNC && role == BrokerRole.MASTER && haListenPort == DISABLED_PORT) {
            throw new HaConfigException("replicationMode=SYNC needs replication on: set haListenPort");
        }
        if (minInSyncReplicas < 1 || minInSyncReplicas > 16) {
            throw new HaConfigException("minInSyncReplicas = " + minInSyncReplicas + " must be in [1, 16]");
        }
        if (replicaLagMaxMs < 100 || replicaAckTimeoutMs < 10 || haFetchMaxWaitMs < 1
                || haTransferBatchBytes < 64 * 1024 || haTransferBatchBytes > 8 << 20) {
            throw new HaConfigException("replicaLagMaxMs (>= 100), replicaAckTimeoutMs (>= 10),"
                    + " haFetchMaxWaitMs (>= 1) or haTransferBatchBytes ([64 KiB, 8 MiB]) is out of range");
        }
    }

    /** No replication: a standalone master. */
    public static HaConfig disabled() {
        return new HaConfig(BrokerRole.MASTER, DISABLED_PORT, null, ReplicationMode.ASYNC, 1, 10_000, 3_000,
                256 * 1024, 1_000, false, false);
    }

    public boolean enabled() {
        return role == BrokerRole.SLAVE || haListenPort != DISABLED_PORT;
    }

    public HaConfig withRole(BrokerRole newRole, int port, String masterAddress) {
        return new HaConfig(newRole, port, masterAddress, replicationMode, minInSyncReplicas, replicaLagMaxMs,
                replicaAckTimeoutMs, haTransferBatchBytes, haFetchMaxWaitMs, haAdoptExistingStore, truncatedBackup);
    }

    public HaConfig withSync(ReplicationMode mode, int minInSync, long lagMaxMs, long ackTimeoutMs) {
        return new HaConfig(role, haListenPort, haMasterAddress, mode, minInSync, lagMaxMs, ackTimeoutMs,
                haTransferBatchBytes, haFetchMaxWaitMs, haAdoptExistingStore, truncatedBackup);
    }

    public HaConfig withTruncatedBackup(boolean keep) {
        return new HaConfig(role, haListenPort, haMasterAddress, replicationMode, minInSyncReplicas, replicaLagMaxMs,
                replicaAckTimeoutMs, haTransferBatchBytes, haFetchMaxWaitMs, haAdoptExistingStore, keep);
    }
}
