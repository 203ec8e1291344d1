package io.tidemq.common.route;

import java.util.Map;

/**
 * A broker group: one name, a master (id {@value #MASTER_ID}) and its slaves.
 *
 * @param cluster     the cluster the broker belongs to
 * @param brokerName  the group's name, shared by master and slaves
 * @param brokerAddrs broker id to "host:port"
 */
public record BrokerData(String cluster, String brokerName, Map<Long, String> brokerAddrs) {

    public static final long MASTER_ID = 0L;

    /** The master's address, or {@code null} when the group currently has no master. */
    public String masterAddr() {
        return brokerAddrs.get(MASTER_ID);
    }
}
