package io.tidemq.common.protocol.body;

import java.util.Set;

/**
 * A consumer group as one client runs it (part of {@link HeartbeatData}).
 *
 * @param group            the consumer group
 * @param consumeType      "PUSH" or "PULL"
 * @param messageModel     "CLUSTERING" or "BROADCASTING"
 * @param consumeFromWhere "FIRST" or "LAST": where a group with no committed offset starts
 * @param subscriptions    the topics and expressions
 * @param lane             the swimlane the client runs in, or {@code null} for the base lane
 */
public record ConsumerData(String group, String consumeType, String messageModel, String consumeFromWhere,
                           Set<SubscriptionData> subscriptions, String lane) {
}
