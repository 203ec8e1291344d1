package io.tidemq.namesrv.processor;

import io.tidemq.common.json.Json;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.function.LongSupplier;

/**
 * GET_CLUSTER_STATS: every live broker with the runtime figures it reported at its last registration, as a
 * JSON {@code ClusterStats}; one call feeds a console's overview.
 */
public final class ClusterStatsProcessor implements SyncRequestProcessor {

    private final RouteInfoManager routeInfoManager;
    private final LongSupplier clockMs;

    public ClusterStatsProcessor(RouteInfoManager routeInfoManager, LongSupplier clockMs) {
        this.routeInfoManager = routeInfoManager;
        this.clockMs = clockMs;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        return RemotingCommand.success().setBody(Json.toBytes(routeInfoManager.clusterStats(clockMs.getAsLong())));
    }
}
