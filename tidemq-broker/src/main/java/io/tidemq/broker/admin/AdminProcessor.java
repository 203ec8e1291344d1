package io.tidemq.broker.admin;

import io.tidemq.broker.client.ClientManager;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.group.SubscriptionGroupManager;
import io.tidemq.broker.longpolling.PullRequestHoldService;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.stats.BrokerStats;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.common.protocol.body.ConfigUpdates;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.MessageStore;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The broker's administration requests, served on their own executor so a slow query never delays sends or
 * pulls. Each family lives in its own class: {@link TopicAdmin}, {@link GroupAdmin}, {@link MessageQuery},
 * {@link RuntimeInfo}.
 */
public final class AdminProcessor implements SyncRequestProcessor {

    /** The request codes this processor serves. */
    public static final List<RequestCode> CODES = List.of(RequestCode.CREATE_TOPIC, RequestCode.CREATE_TOPICS,
            RequestCode.UPDATE_TOPIC,
            RequestCode.DELETE_TOPIC, RequestCode.GET_ALL_TOPIC_LIST, RequestCode.GET_TOPIC_STATS,
            RequestCode.GET_CONSUMER_GROUP_LIST, RequestCode.DESCRIBE_CONSUMER_GROUP, RequestCode.QUERY_MESSAGE_BY_ID,
            RequestCode.QUERY_MESSAGE_BY_KEY, RequestCode.GET_BROKER_RUNTIME_INFO, RequestCode.SET_BROKER_DRAINED,
            RequestCode.QUERY_QUEUE_MESSAGES, RequestCode.DELETE_CONSUMER_GROUP, RequestCode.GET_BROKER_CONFIG,
            RequestCode.UPDATE_BROKER_CONFIG, RequestCode.UPDATE_SUBSCRIPTION_GROUP, RequestCode.GET_SUBSCRIPTION_GROUPS);

    /** How the admin requests drain and undrain the broker (the broker re-registers when the state changes). */
    public interface DrainControl {
        /** Sets the state; returns whether it changed. */
        boolean setDrained(boolean drained);

        boolean drained();
    }

    /** How the admin requests read and change the running broker's configuration. */
    public interface ConfigControl {
        ConfigSnapshot snapshot();

        /** Applies every update or none; throws an IllegalArgumentException naming the key otherwise. */
        ConfigSnapshot update(Map<String, String> updates);
    }

    private final TopicAdmin topicAdmin;
    private final GroupAdmin groupAdmin;
    private final MessageQuery messageQuery;
    private final RuntimeInfo runtimeInfo;
    private final DrainControl drain;
    private final ConfigControl config;

    public AdminProcessor(BrokerConfig config, Supplier<String> address, TopicConfigManager topics,
                          ConsumerOffsetManager offsets, ClientManager clients, PullRequestHoldService holds,
                          MessageStore store, BrokerStats stats, DrainControl drain,
                          ConfigControl configControl, Runnable replicateTopicChange,
                          SubscriptionGroupManager groupConfigs) {
        this.drain = drain;
        this.config = configControl;
        this.topicAdmin = new TopicAdmin(config.brokerName(), topics, offsets, store, holds, replicateTopicChange);
        this.groupAdmin = new GroupAdmin(config.brokerName(), topics, offsets, clients, store, groupConfigs);
        this.messageQuery = new MessageQuery(store);
        this.runtimeInfo = new RuntimeInfo(config, address, topics, offsets, clients, holds, store, stats);
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        RequestCode code = RequestCode.fromCode(request.code());
        try {
            if (code == null) {
                throw unsupported(request);
            }
            return switch (code) {
                case CREATE_TOPIC -> topicAdmin.create(request);
                case CREATE_TOPICS -> topicAdmin.createAll(request);
                case UPDATE_TOPIC -> topicAdmin.update(request);
                case DELETE_TOPIC -> topicAdmin.delete(request);
                case GET_ALL_TOPIC_LIST -> topicAdmin.list(request);
                case GET_TOPIC_STATS -> topicAdmin.stats(request);
                case GET_CONSUMER_GROUP_LIST -> groupAdmin.list();
                case DESCRIBE_CONSUMER_GROUP -> groupAdmin.describe(request);
                case QUERY_MESSAGE_BY_ID -> messageQuery.byId(request);
                case QUERY_MESSAGE_BY_KEY -> messageQuery.byKey(request);
                case GET_BROKER_RUNTIME_INFO -> runtimeInfo.info();
                case SET_BROKER_DRAINED -> setDrained(request);
                case QUERY_QUEUE_MESSAGES -> messageQuery.byQueue(request);
                case DELETE_CONSUMER_GROUP -> groupAdmin.delete(request);
                case UPDATE_SUBSCRIPTION_GROUP -> groupAdmin.writeConfig(request);
                case GET_SUBSCRIPTION_GROUPS -> groupAdmin.configs();
                case GET_BROKER_CONFIG -> RemotingCommand.success().setBody(Json.toBytes(config.snapshot()));
                case UPDATE_BROKER_CONFIG -> RemotingCommand.success().setBody(Json.toBytes(
                        config.update(readUpdates(request))));
                default -> throw unsupported(request);
            };
        } catch (RequestRejectedException r) {
            return r.toResponse();
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    private RemotingCommand setDrained(RemotingCommand request) {
        boolean wanted = request.readHeader(Headers.BrokerDrainRequest.class).drained();
        boolean changed = drain.setDrained(wanted);
        return RemotingCommand.success().writeHeader(new Headers.BrokerDrainResponse(drain.drained(), changed));
    }

    private static Map<String, String> readUpdates(RemotingCommand request) {
        Map<String, String> updates;
        try {
            updates = Json.fromBytes(request.body(), ConfigUpdates.class).updates();
        } catch (RuntimeException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "the body of UPDATE_BROKER_CONFIG must be"
                    + " a JSON object {\"updates\": {key: value}}: " + e.getMessage());
        }
        return updates == null ? Map.of() : updates;
    }

    private static RequestRejectedException unsupported(RemotingCommand request) {
        return new RequestRejectedException(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                RequestCode.describe(request.code()) + " is not an admin request of the broker");
    }
}
