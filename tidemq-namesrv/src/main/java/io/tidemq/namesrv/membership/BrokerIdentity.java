package io.tidemq.namesrv.membership;

import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;

/**
 * Which broker an event is about: one process, known by its address, in a broker group (name) of a cluster.
 *
 * @param clusterName the cluster
 * @param brokerName  the broker group
 * @param brokerId    {@link BrokerData#MASTER_ID} for the master, &gt; 0 for slaves
 * @param brokerAddr  "host:port" clients connect to; the registry's key for one broker process
 */
public record BrokerIdentity(String clusterName, String brokerName, long brokerId, String brokerAddr) {

    public static BrokerIdentity of(Headers.RegisterBrokerRequest header) {
        return new BrokerIdentity(header.clusterName(), header.brokerName(), header.brokerId(), header.brokerAddr());
    }

    public boolean isMaster() {
        return brokerId == BrokerData.MASTER_ID;
    }

    /** Whether both name the same slot (cluster, group and id), whatever the address. */
    public boolean sameSlot(BrokerIdentity other) {
        return clusterName.equals(other.clusterName) && brokerName.equals(other.brokerName)
                && brokerId == other.brokerId;
    }

    /** For logs: {@code broker-a#0@10.0.0.5:10911 (cluster DefaultCluster)}. */
    @Override
    public String toString() {
        return brokerName + "#" + brokerId + "@" + brokerAddr + " (cluster " + clusterName + ")";
    }
}
