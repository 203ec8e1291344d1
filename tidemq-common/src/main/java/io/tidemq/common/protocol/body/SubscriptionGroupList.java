package io.tidemq.common.protocol.body;

import java.util.List;

/** Body of the GET_SUBSCRIPTION_GROUPS response (JSON): every group configuration of a broker, sorted by name. */
public record SubscriptionGroupList(List<SubscriptionGroupConfig> groups) {
}
