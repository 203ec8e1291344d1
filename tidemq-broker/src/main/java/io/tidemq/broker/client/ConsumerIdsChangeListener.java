package io.tidemq.broker.client;

import io.tidemq.remoting.RemotingChannel;

import java.util.List;

/** Told when a consumer group gains or loses a member, with the channels of the members that remain. */
@FunctionalInterface
public interface ConsumerIdsChangeListener {

    void onConsumerIdsChanged(String group, List<RemotingChannel> members);
}
