package io.tidemq.common.protocol.body;

import java.util.List;

/**
 * Body of the GET_CLUSTER_STATS response (JSON): every live broker the NameServer knows, with the figures it
 * reported at its last registration, so an overview needs one call to one NameServer instead of one per broker.
 *
 * @param nameServerTimeMs the NameServer's clock when it answered (to judge how old each report is)
 * @param brokers          one entry per live broker process, sorted by cluster, broker name and id
 */
public record ClusterStats(long nameServerTimeMs, List<Entry> brokers) {

    /**
     * One broker process.
     *
     * @param cluster         its cluster
     * @param brokerName      its broker group
     * @param brokerId        0 for the master
     * @param address         {@code host:port}
     * @param lastHeartbeatMs epoch millis of its last registration or heartbeat
     * @param figures         what it reported with its last registration; {@code null} when it reported none (a
     *                        broker of an older version)
     */
    public record Entry(String cluster, String brokerName, long brokerId, String address, long lastHeartbeatMs,
                        BrokerFigures figures) {
    }
}
