package io.tidemq.client.admin;

import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.route.TopicRouteData;

import java.util.List;

/**
 * A topic's route (which brokers serve it, with how many queues and which permissions) and, per broker, the
 * min/max offset of each queue.
 *
 * @param topic the topic
 * @param route the route the NameServers gave
 * @param stats per broker group, the queues' offsets, in broker-name order
 */
public record TopicDescription(String topic, TopicRouteData route, List<TopicStats> stats) {

    /** Messages currently stored for the topic on every broker (max - min of each queue, summed). */
    public long storedMessages() {
        long n = 0;
        for (TopicStats s : stats) {
            n += s.storedMessages();
        }
        return n;
    }
}
