package io.tidemq.namesrv.event;

import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.remoting.RemotingChannel;

/**
 * A registered broker sent BROKER_HEARTBEAT: it is alive, its topics are unchanged. Only published for a
 * broker the registry knows; an unknown broker is told to register instead.
 *
 * @param broker      who sent it
 * @param channel     the connection it arrived on (becomes the broker's watched connection)
 * @param timestampMs when the request was received
 */
public record BrokerHeartbeatEvent(BrokerIdentity broker, RemotingChannel channel, long timestampMs)
        implements NamesrvEvent {
}
