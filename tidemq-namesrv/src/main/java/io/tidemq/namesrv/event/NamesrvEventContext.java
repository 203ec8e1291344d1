package io.tidemq.namesrv.event;

import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.metrics.NamesrvMetrics;

/**
 * What a {@link NamesrvEventHandler} may use besides the event: the NameServer's settings, its route table
 * (public methods are read-only views; only the built-in route table handler changes it) and its counters.
 * One per NameServer, shared by all its handlers.
 */
public final class NamesrvEventContext {

    private final NamesrvConfig config;
    private final RouteTableView routeInfoManager;
    private final NamesrvMetrics metrics;

    public NamesrvEventContext(NamesrvConfig config, RouteTableView routeInfoManager, NamesrvMetrics metrics) {
        this.config = config;
        this.routeInfoManager = routeInfoManager;
        this.metrics = metrics;
    }

    public NamesrvConfig config() {
        return config;
    }

    /** The route table, read-only. */
    public RouteTableView routeInfoManager() {
        return routeInfoManager;
    }

    public NamesrvMetrics metrics() {
        return metrics;
    }
}
