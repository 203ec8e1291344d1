package io.tidemq.common.route;

import java.util.List;

/** Where a topic lives: its queues per broker, and those brokers' addresses. */
public record TopicRouteData(List<QueueData> queueDatas, List<BrokerData> brokerDatas) {

    public BrokerData broker(String brokerName) {
        for (BrokerData b : brokerDatas) {
            if (b.brokerName().equals(brokerName)) {
                return b;
            }
        }
        return null;
    }
}
