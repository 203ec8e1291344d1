package io.tidemq.broker.transaction;

import io.tidemq.remoting.RemotingChannel;

import java.util.List;

/** The connections of a producer group's live members, as heartbeats report them. */
@FunctionalInterface
public interface ProducerChannels {

    /** The group's member connections; empty when no member is connected. */
    List<RemotingChannel> channels(String producerGroup);
}
