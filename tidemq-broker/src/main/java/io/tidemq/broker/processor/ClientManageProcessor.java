package io.tidemq.broker.processor;

import io.tidemq.broker.client.ClientManager;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.json.Json;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.ConsumerIdList;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** HEART_BEAT, UNREGISTER_CLIENT and GET_CONSUMER_LIST_BY_GROUP: group membership. */
public final class ClientManageProcessor implements SyncRequestProcessor {

    private final ClientManager clients;
    /** Told of every consumer group in a heartbeat before membership changes (creates retry topics). */
    private final Consumer<ConsumerData> consumerHeartbeatHook;

    public ClientManageProcessor(ClientManager clients, Consumer<ConsumerData> consumerHeartbeatHook) {
        this.clients = clients;
        this.consumerHeartbeatHook = consumerHeartbeatHook;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        RequestCode code = RequestCode.fromCode(request.code());
        if (code == null) {
            return Responses.error(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                    "request code " + request.code() + " is not served by the client manager");
        }
        try {
            return switch (code) {
                case HEART_BEAT -> heartbeat(channel, request);
                case UNREGISTER_CLIENT -> unregister(channel, request);
                case GET_CONSUMER_LIST_BY_GROUP -> consumerList(request);
                default -> Responses.error(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                        RequestCode.describe(request.code()) + " is not served by the client manager");
            };
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    private RemotingCommand heartbeat(RemotingChannel channel, RemotingCommand request) {
        HeartbeatData data;
        try {
            data = Json.fromBytes(request.body(), HeartbeatData.class);
        } catch (UncheckedIOException e) {
            return Responses.error(ResponseCode.INVALID_PARAMETER, "HEART_BEAT body is not a HeartbeatData JSON: "
                    + e.getMessage());
        }
        if (data == null || data.clientId() == null || data.clientId().isBlank()) {
            return Responses.error(ResponseCode.INVALID_PARAMETER, "HEART_BEAT body lacks clientId");
        }
        if (data.consumers() != null) {
            for (ConsumerData c : data.consumers()) {
                NameValidator.checkGroup(c.group());
            }
        }
        if (data.producerGroups() != null) {
            data.producerGroups().forEach(NameValidator::checkGroup);
        }
        if (data.consumers() != null) {
            data.consumers().forEach(consumerHeartbeatHook);
        }
        clients.heartbeat(channel, data, System.currentTimeMillis());
        return RemotingCommand.success();
    }

    private RemotingCommand unregister(RemotingChannel channel, RemotingCommand request) {
        Headers.UnregisterClientRequest h = request.readHeader(Headers.UnregisterClientRequest.class);
        clients.unregister(channel, h.producerGroup(), h.consumerGroup());
        return RemotingCommand.success();
    }

    private RemotingCommand consumerList(RemotingCommand request) {
        Headers.GroupRequest h = request.readHeader(Headers.GroupRequest.class);
        if (h.consumerGroup() == null) {
            return Responses.error(ResponseCode.INVALID_PARAMETER, "header field 'consumerGroup' is required");
        }
        return RemotingCommand.success().setBody(Json.toBytes(new ConsumerIdList(clients.consumerIds(h.consumerGroup()))));
    }
}
