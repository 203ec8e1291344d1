package io.tidemq.namesrv.event;

import io.tidemq.namesrv.route.RouteTableEventHandler;
/**
 * A plug-in that reacts to broker membership changes: the NameServer's extension point (SPI).
 *
 * <p>Handlers are discovered with {@link java.util.ServiceLoader}: to add one, write a public class with a
 * public no-argument constructor that implements this interface, and list its fully qualified name on a
 * line of {@code META-INF/services/io.tidemq.namesrv.event.NamesrvEventHandler} in its jar. Every
 * NameServer instance loads its own instances. The route table itself is maintained by such a handler
 * ({@code io.tidemq.namesrv.route.RouteTableEventHandler}, order {@link #ROUTE_TABLE_ORDER}).
 *
 * <p>Threading: every method is called on the bus's single event thread ({@code tidemq-namesrv-events}),
 * one event at a time, in the order the events were decided; so a handler needs no locking for state only
 * it touches, and sees the events of one broker in order. It must not block for long: every registration
 * and heartbeat waits behind it. Slow work (calling out to another system) belongs on the handler's own
 * executor.
 *
 * <p>Failures: an exception thrown by {@link #supports} or an {@code on*} method is logged and counted
 * ({@code handlerFailures}); the other handlers still run and the request that caused the event still
 * succeeds.
 *
 * <p>Implement either {@link #onEvent} (all kinds, for instance with {@code instanceof}) or just the
 * per-kind methods you need; the default {@code onEvent} routes to them.
 */
public interface NamesrvEventHandler {

    /** The route table handler's order: it runs first, so later handlers see the table after the change. */
    int ROUTE_TABLE_ORDER = -1_000;

    /** Handlers run in ascending order; equal orders run in class-name order, so the sequence is stable. */
    default int order() {
        return 0;
    }

    /** A cheap filter evaluated before {@link #onEvent}; by default every event is handled. */
    default boolean supports(NamesrvEvent event) {
        return true;
    }

    /** Handles one event; the default routes to the per-kind method. */
    default void onEvent(NamesrvEvent event, NamesrvEventContext context) throws Exception {
        if (event instanceof BrokerRegisteredEvent e) {
            onRegistered(e, context);
        } else if (event instanceof BrokerHeartbeatEvent e) {
            onHeartbeat(e, context);
        } else if (event instanceof BrokerUnregisteredEvent e) {
            onUnregistered(e, context);
        } else if (event instanceof BrokerEvictedEvent e) {
            onEvicted(e, context);
        }
    }

    default void onRegistered(BrokerRegisteredEvent event, NamesrvEventContext context) throws Exception {
    }

    default void onHeartbeat(BrokerHeartbeatEvent event, NamesrvEventContext context) throws Exception {
    }

    default void onUnregistered(BrokerUnregisteredEvent event, NamesrvEventContext context) throws Exception {
    }

    default void onEvicted(BrokerEvictedEvent event, NamesrvEventContext context) throws Exception {
    }

    /** Called once when the NameServer shuts down, after the last event; release resources here. */
    default void close() throws Exception {
    }
}
