package io.tidemq.client.instance;

import io.tidemq.common.protocol.body.ConsumerData;

import java.util.Set;

/** What a {@link ClientInstance} needs from each consumer it hosts. */
public interface ConsumerMember {

    String group();

    /** The group as this client runs it, for heartbeats. */
    ConsumerData consumerData();

    /** The topics whose routes the instance must keep fresh. */
    Set<String> topics();

    /** Re-reads the group's members and queues and adjusts this consumer's queues; runs on the rebalance thread. */
    void rebalance();
}
