package io.tidemq.common.route;

import io.tidemq.common.protocol.body.BrokerFigures;

import java.util.Map;

/**
 * Body of REGISTER_BROKER (JSON): everything a NameServer needs to route to one broker, and the broker's
 * runtime figures, which the NameServer keeps for GET_CLUSTER_STATS.
 *
 * @param clusterName  the broker's cluster
 * @param brokerName   the broker group name
 * @param brokerId     0 for the master, > 0 for slaves
 * @param brokerAddr   "host:port" clients connect to
 * @param topicConfigs the topics it hosts, by name
 * @param dataVersion  grows whenever the broker's topics change, so a NameServer can skip unchanged bodies
 * @param figures      the broker's runtime figures at this registration; {@code null} when it sends none
 * @param masterEpoch  a master following the controller: the epoch it writes in; 0 otherwise. A NameServer keeps,
 *                     per group, the master registration with the highest epoch
 */
public record BrokerRegistration(String clusterName, String brokerName, long brokerId, String brokerAddr,
                                 Map<String, TopicConfig> topicConfigs, long dataVersion, BrokerFigures figures,
                                 int masterEpoch) {

    /** A registration outside any controller epoch. */
    public BrokerRegistration(String clusterName, String brokerName, long brokerId, String brokerAddr,
                              Map<String, TopicConfig> topicConfigs, long dataVersion, BrokerFigures figures) {
        this(clusterName, brokerName, brokerId, brokerAddr, topicConfigs, dataVersion, figures, 0);
    }

    /** A registration without runtime figures. */
    public BrokerRegistration(String clusterName, String brokerName, long brokerId, String brokerAddr,
                              Map<String, TopicConfig> topicConfigs, long dataVersion) {
        this(clusterName, brokerName, brokerId, brokerAddr, topicConfigs, dataVersion, null);
    }
}
