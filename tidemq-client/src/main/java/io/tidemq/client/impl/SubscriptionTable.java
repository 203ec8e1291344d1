package io.tidemq.client.impl;

import io.tidemq.client.consumer.TagFilter;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.body.SubscriptionData;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A consumer's subscriptions: topic to tag filter. Concurrent map; a later subscribe to the same topic
 * replaces the expression.
 */
public final class SubscriptionTable {

    private final Map<String, TagFilter> filters = new ConcurrentHashMap<>();

    public void subscribe(String topic, String expression) {
        NameValidator.checkTopic(topic);
        filters.put(topic, TagFilter.parse(expression));
    }

    public void unsubscribe(String topic) {
        filters.remove(topic);
    }

    /** The filter of {@code topic}; every message passes when the topic has none (assigned queues). */
    public TagFilter filter(String topic) {
        TagFilter f = filters.get(topic);
        return f != null ? f : TagFilter.parse(TagFilter.ALL);
    }

    public Set<String> topics() {
        return new HashSet<>(filters.keySet());
    }

    public boolean isEmpty() {
        return filters.isEmpty();
    }

    /** The subscriptions as heartbeats carry them. */
    public Set<SubscriptionData> toData() {
        Set<SubscriptionData> out = new HashSet<>();
        filters.forEach((topic, f) -> out.add(new SubscriptionData(topic, f.expression())));
        return out;
    }
}
