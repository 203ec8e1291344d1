package io.tidemq.common.route;

import java.util.Map;
import java.util.Set;

/**
 * Body of the GET_BROKER_CLUSTER_INFO response (JSON).
 *
 * @param brokers             broker name to its group
 * @param clusters            cluster name to the broker names in it
 * @param lastHeartbeatMs     broker address to the epoch millis of its last registration
 */
public record ClusterInfo(Map<String, BrokerData> brokers, Map<String, Set<String>> clusters,
                          Map<String, Long> lastHeartbeatMs) {
}
