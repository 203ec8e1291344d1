package io.tidemq.namesrv.processor;

import io.tidemq.common.json.Json;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

/** GET_BROKER_CLUSTER_INFO: every cluster, broker group and live address, as a JSON {@code ClusterInfo}. */
public final class ClusterInfoProcessor implements SyncRequestProcessor {

    private final RouteInfoManager routeInfoManager;

    public ClusterInfoProcessor(RouteInfoManager routeInfoManager) {
        this.routeInfoManager = routeInfoManager;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        return RemotingCommand.success().setBody(Json.toBytes(routeInfoManager.clusterInfo()));
    }
}
