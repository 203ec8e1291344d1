package io.tidemq.namesrv.route;

import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.event.BrokerHeartbeatEvent;
import io.tidemq.namesrv.event.BrokerRegisteredEvent;
import io.tidemq.namesrv.event.BrokerUnregisteredEvent;
import io.tidemq.namesrv.event.NamesrvEventContext;
import io.tidemq.namesrv.event.NamesrvEventHandler;

/**
 * The built-in handler that keeps the {@link RouteInfoManager} in step with broker membership. It is
 * loaded through the same SPI as any plug-in (listed in this module's META-INF/services) and runs first
 * ({@link #ROUTE_TABLE_ORDER}), so every later handler sees the table with the event applied. The
 * NameServer refuses to start without it.
 */
public final class RouteTableEventHandler implements NamesrvEventHandler {

    @Override
    public int order() {
        return ROUTE_TABLE_ORDER;
    }

    @Override
    public void onRegistered(BrokerRegisteredEvent event, NamesrvEventContext context) {
        table(context).register(event.broker(), event.registration(), event.channel(), event.timestampMs());
    }

    @Override
    public void onHeartbeat(BrokerHeartbeatEvent event, NamesrvEventContext context) {
        table(context).refresh(event.broker().brokerAddr(), event.channel(), event.timestampMs());
    }

    @Override
    public void onUnregistered(BrokerUnregisteredEvent event, NamesrvEventContext context) {
        table(context).remove(event.broker().brokerAddr());
    }

    @Override
    public void onEvicted(BrokerEvictedEvent event, NamesrvEventContext context) {
        table(context).remove(event.broker().brokerAddr());
    }

    /**
     * The table to change. Plug-in handlers see it as a read-only {@link io.tidemq.namesrv.event.RouteTableView};
     * the NameServer builds its context with the {@link RouteInfoManager} itself, whose changing methods only
     * this package can call.
     */
    private static RouteInfoManager table(NamesrvEventContext context) {
        if (context.routeInfoManager() instanceof RouteInfoManager table) {
            return table;
        }
        throw new IllegalStateException("the route table handler needs a context built on a RouteInfoManager, got "
                + context.routeInfoManager().getClass().getName());
    }
}
