package io.tidemq.client.consumer;

import io.tidemq.client.InvalidArgumentException;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.internal.ConsumerRuntime;
import io.tidemq.client.consumer.internal.SubscriptionTable;
import io.tidemq.client.rebalance.AllocateAverage;
import io.tidemq.client.rebalance.AllocateStrategy;
import io.tidemq.common.names.NameValidator;

import java.util.Objects;

/**
 * What the builders of {@link PushConsumer} and {@link PullConsumer} share: the group, the client config and
 * how the group reads (message model, where a new group starts, how queues are shared); defaults CLUSTERING,
 * FIRST, {@link AllocateAverage}. {@code B} is the concrete builder, so calls chain in any order.
 */
abstract class ConsumerBuilder<B extends ConsumerBuilder<B>> {
    final String group;
    final ClientConfig config;
    MessageModel messageModel = MessageModel.CLUSTERING;
    ConsumeFromWhere consumeFromWhere = ConsumeFromWhere.FIRST;
    AllocateStrategy allocateStrategy = new AllocateAverage();

    ConsumerBuilder(String group, ClientConfig config) {
        this.group = group;
        this.config = config;
    }

    abstract B self();

    public B messageModel(MessageModel v) {
        messageModel = Objects.requireNonNull(v);
        return self();
    }

    public B consumeFromWhere(ConsumeFromWhere v) {
        consumeFromWhere = Objects.requireNonNull(v);
        return self();
    }

    public B allocateStrategy(AllocateStrategy v) {
        allocateStrategy = Objects.requireNonNull(v);
        return self();
    }

    /**
     * The runtime of the consumer being built, once the group name and the config are checked.
     *
     * @param consumeType {@code PUSH} or {@code PULL}, as the broker lists the member
     */
    ConsumerRuntime newRuntime(String consumeType, SubscriptionTable subscriptions) {
        InvalidArgumentException.checkGroup(group);
        Objects.requireNonNull(config, "config");
        return new ConsumerRuntime(group, config, messageModel, consumeFromWhere, allocateStrategy, consumeType,
                subscriptions);
    }
}
