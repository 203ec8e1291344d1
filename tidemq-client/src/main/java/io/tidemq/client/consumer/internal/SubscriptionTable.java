package io.tidemq.client.consumer.internal;

import io.tidemq.client.InvalidArgumentException;

import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.filter.TagExpression;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.body.SubscriptionData;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A consumer's subscriptions: topic to tag expression. Concurrent map; a later subscribe to the same topic
 * replaces the expression.
 */
public final class SubscriptionTable {

    private final Map<String, TagExpression> filters = new ConcurrentHashMap<>();

    /**
     * @throws InvalidTagExpressionException when the expression is outside the grammar of {@link TagExpression}
     */
    public void subscribe(String topic, String expression) {
        InvalidArgumentException.checkTopic(topic);
        filters.put(topic, TagExpression.parse(expression));
    }

    public void unsubscribe(String topic) {
        filters.remove(topic);
    }

    /** The expression of {@code topic}; every message passes when the topic has none (assigned queues). */
    public TagExpression filter(String topic) {
        TagExpression f = filters.get(topic);
        return f != null ? f : TagExpression.ALL;
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
