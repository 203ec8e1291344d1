package io.tidemq.namesrv.processor;

import io.tidemq.common.json.Json;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

/** GET_ALL_TOPIC_LIST: the sorted names of every topic some live broker serves, as a JSON array of strings. */
public final class TopicListProcessor implements SyncRequestProcessor {

    private final RouteInfoManager routeInfoManager;

    public TopicListProcessor(RouteInfoManager routeInfoManager) {
        this.routeInfoManager = routeInfoManager;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        return RemotingCommand.success().setBody(Json.toBytes(routeInfoManager.topicNames()));
    }
}
