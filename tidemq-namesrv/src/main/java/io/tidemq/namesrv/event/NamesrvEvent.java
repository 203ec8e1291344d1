package io.tidemq.namesrv.event;

import io.tidemq.namesrv.membership.BrokerIdentity;
/**
 * A change in broker membership the NameServer's event bus dispatches to every {@link NamesrvEventHandler}.
 * Events are immutable facts: by the time handlers see one, the bus has decided it happens (an eviction
 * event means the broker is being evicted, not that it might be). The set of kinds is closed so a handler
 * can switch over them exhaustively.
 */
public sealed interface NamesrvEvent
        permits BrokerRegisteredEvent, BrokerHeartbeatEvent, BrokerUnregisteredEvent, BrokerEvictedEvent {

    /** The broker the event is about. */
    BrokerIdentity broker();

    /** Epoch millis at which the NameServer received the request or decided the eviction. */
    long timestampMs();
}
