package io.tidemq.namesrv.event;

import io.tidemq.namesrv.membership.BrokerIdentity;
/**
 * A registered broker sent UNREGISTER_BROKER (graceful shutdown); it leaves every route at once.
 *
 * @param broker      who left, as the registry knew it
 * @param timestampMs when the request was received
 */
public record BrokerUnregisteredEvent(BrokerIdentity broker, long timestampMs) implements NamesrvEvent {
}
