package io.tidemq.namesrv.processor;

import io.tidemq.common.json.Json;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.protocol.header.InvalidHeaderException;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.Optional;

/**
 * GET_ROUTEINFO_BY_TOPIC: the hot read path (every producer and consumer, per topic, every 30 s); served
 * from the route table under its read lock, never through the event bus.
 */
public final class RouteQueryProcessor implements SyncRequestProcessor {

    private final RouteInfoManager routeInfoManager;

    public RouteQueryProcessor(RouteInfoManager routeInfoManager) {
        this.routeInfoManager = routeInfoManager;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        String topic = request.readHeader(Headers.TopicRequest.class).topic();
        if (topic == null) {
            throw new InvalidHeaderException("required header field 'topic' is missing");
        }
        try {
            NameValidator.checkTopic(topic);
        } catch (InvalidNameException e) {
            throw new InvalidHeaderException(e.getMessage());
        }
        Optional<TopicRouteData> route = routeInfoManager.findTopicRoute(topic);
        if (route.isEmpty()) {
            return RemotingCommand.createResponse(ResponseCode.TOPIC_NOT_EXIST, "no live broker serves topic '"
                    + topic + "'; create it on a broker (or enable auto-creation) and check the brokers are running");
        }
        return RemotingCommand.success().setBody(Json.toBytes(route.get()));
    }
}
