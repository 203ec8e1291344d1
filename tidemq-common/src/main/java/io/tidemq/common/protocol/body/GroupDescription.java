package io.tidemq.common.protocol.body;

import java.util.List;
import java.util.Set;

/**
 * Body of the DESCRIBE_CONSUMER_GROUP response (JSON): one consumer group as one broker sees it.
 *
 * @param group         the group
 * @param brokerName    the broker that answered
 * @param messageModel  "CLUSTERING" or "BROADCASTING" as its members report it; null when none is connected
 * @param members       client ids of the members connected to this broker, sorted
 * @param subscriptions the subscriptions its members report; empty when none is connected
 * @param queues        lag per queue of every topic the group subscribes to or committed on, sorted
 * @param totalLag      the sum of the queues' lag
 * @param config        the group's configuration on this broker ({@code admin group create}); null when it has none
 */
public record GroupDescription(String group, String brokerName, String messageModel, List<String> members,
                               Set<SubscriptionData> subscriptions, List<QueueLag> queues, long totalLag,
                               SubscriptionGroupConfig config) {
}
