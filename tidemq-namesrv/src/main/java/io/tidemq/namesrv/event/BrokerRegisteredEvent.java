package io.tidemq.namesrv.event;

import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.remoting.RemotingChannel;

/**
 * A broker sent REGISTER_BROKER: at start, every registerIntervalMs, and after its topics changed.
 *
 * @param broker       who registered
 * @param registration the topics it hosts and their data version
 * @param channel      the connection it registered over; its closing evicts the broker
 * @param timestampMs  when the request was received
 */
public record BrokerRegisteredEvent(BrokerIdentity broker, BrokerRegistration registration, RemotingChannel channel,
                                    long timestampMs) implements NamesrvEvent {
}
