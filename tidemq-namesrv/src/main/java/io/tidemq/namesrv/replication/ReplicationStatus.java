package io.tidemq.namesrv.replication;

import io.tidemq.namesrv.config.ReplicationMode;

import java.util.List;

/**
 * The body of the NS_REPL_STATUS answer ({@code tidemq admin namesrv}): one NameServer's view of replication.
 *
 * @param self               this NameServer's host:port
 * @param role               PRIMARY, BACKUP, or STANDALONE (mode NONE)
 * @param mode               the replication mode
 * @param epoch              the topology epoch it knows
 * @param primary            the primary it knows
 * @param chain              the chain order (CHAIN mode), the primary first
 * @param lastSeq            the last registry operation it applied
 * @param lastEpoch          the epoch of that operation
 * @param ringFirstSeq       the oldest operation its ring still holds
 * @param ringSize           how many operations its ring holds
 * @param downstream         the NameServers it sends operations to (a primary: every backup; CHAIN: its successor)
 * @param ackTimeouts        broker requests answered NAMESRV_ACK_TIMEOUT so far
 * @param snapshotsSent      snapshots it sent to NameServers behind its ring
 * @param snapshotsInstalled snapshots it installed
 * @param ops                the operations of its ring as {@code seq:epoch:KIND:brokerAddr}, oldest first, when the
 *                           request asked for them (field {@code withOps=true}), else empty
 */
public record ReplicationStatus(String self, String role, ReplicationMode mode, long epoch, String primary,
                                List<String> chain, long lastSeq, long lastEpoch, long ringFirstSeq, int ringSize,
                                List<Downstream> downstream, long ackTimeouts, long snapshotsSent,
                                long snapshotsInstalled, List<String> ops) {

    /**
     * What this NameServer knows of one it replicates to.
     *
     * @param addr      its host:port
     * @param ackedSeq  the last operation it acknowledged (-1 before the handshake)
     * @param lagOps    operations it has not acknowledged yet
     * @param lagMs     how long ago the oldest of them was applied here (0 when none)
     * @param inSyncSet whether it is in the sync set (SYNC mode)
     * @param lastError the last failure talking to it, or null
     */
    public record Downstream(String addr, long ackedSeq, long lagOps, long lagMs, boolean inSyncSet,
                             String lastError) {
    }
}
