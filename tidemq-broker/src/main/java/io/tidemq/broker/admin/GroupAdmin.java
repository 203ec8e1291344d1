package io.tidemq.broker.admin;

import io.tidemq.broker.client.ClientGroup;
import io.tidemq.broker.client.ClientManager;
import io.tidemq.broker.group.SubscriptionGroupManager;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.GroupList;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.body.SubscriptionGroupList;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** GET_CONSUMER_GROUP_LIST and DESCRIBE_CONSUMER_GROUP. */
final class GroupAdmin {

    private final String brokerName;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final ClientManager clients;
    private final MessageStore store;
    private final SubscriptionGroupManager groupConfigs;

    GroupAdmin(String brokerName, TopicConfigManager topics, ConsumerOffsetManager offsets, ClientManager clients,
               MessageStore store, SubscriptionGroupManager groupConfigs) {
        this.groupConfigs = groupConfigs;
        this.brokerName = brokerName;
        this.topics = topics;
        this.offsets = offsets;
        this.clients = clients;
        this.store = store;
    }

    /**
     * UPDATE_SUBSCRIPTION_GROUP: creates ({@code create}) or replaces a group's configuration, after checking it.
     */
    RemotingCommand writeConfig(RemotingCommand request) {
        boolean create = request.readHeader(Headers.GroupConfigRequest.class).create();
        SubscriptionGroupConfig config;
        try {
            config = Json.fromBytes(request.body(), SubscriptionGroupConfig.class).checked();
        } catch (IllegalArgumentException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
        } catch (RuntimeException e) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "the body of UPDATE_SUBSCRIPTION_GROUP"
                    + " must be a JSON SubscriptionGroupConfig: " + e.getMessage());
        }
        try {
            return RemotingCommand.success().setBody(Json.toBytes(groupConfigs.write(config, create)));
        } catch (SubscriptionGroupManager.GroupConfigConflictException e) {
            throw new RequestRejectedException(e.exists() ? ResponseCode.NO_PERMISSION
                    : ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, e.getMessage() + " (broker " + brokerName + ")");
        }
    }

    /** GET_SUBSCRIPTION_GROUPS: every configuration, sorted by group. */
    RemotingCommand configs() {
        return RemotingCommand.success().setBody(Json.toBytes(new SubscriptionGroupList(groupConfigs.all())));
    }

    /** Groups with a connected member, a committed offset or a configuration, sorted. */
    RemotingCommand list() {
        Set<String> groups = new TreeSet<>(clients.consumerGroupNames());
        groups.addAll(offsets.groups());
        groupConfigs.all().forEach(c -> groups.add(c.groupName()));
        return RemotingCommand.success().setBody(Json.toBytes(new GroupList(new ArrayList<>(groups))));
    }

    /**
     * DELETE_CONSUMER_GROUP: forgets the group's committed offsets and its configuration on this broker. Refused (CONSUMER_NOT_ONLINE's
     * opposite: SYSTEM_BUSY would invite a retry, so NO_PERMISSION) while a member is connected, unless forced: a
     * live member would commit its in-memory offsets again at once.
     */
    RemotingCommand delete(RemotingCommand request) {
        Headers.DeleteGroupRequest h = request.readHeader(Headers.DeleteGroupRequest.class);
        if (h.consumerGroup() == null) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "header field 'consumerGroup' is required");
        }
        ClientGroup live = clients.consumerGroup(h.consumerGroup());
        if (live != null && !live.clientIds().isEmpty() && !h.force()) {
            throw new RequestRejectedException(ResponseCode.NO_PERMISSION, "consumer group '" + h.consumerGroup()
                    + "' has " + live.clientIds().size() + " member(s) online on broker " + brokerName + " "
                    + live.clientIds() + "; stop them first, or force it (they will commit their offsets again)");
        }
        boolean hadOffsets = offsets.removeGroup(h.consumerGroup());
        boolean hadConfig = groupConfigs.remove(h.consumerGroup());
        if (!hadOffsets && !hadConfig && live == null) {
            throw new RequestRejectedException(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "consumer group '"
                    + h.consumerGroup() + "' has no committed offset, no configuration and no member on broker "
                    + brokerName);
        }
        return RemotingCommand.success();
    }

    RemotingCommand describe(RemotingCommand request) {
        String group = request.readHeader(Headers.GroupRequest.class).consumerGroup();
        if (group == null) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "header field 'consumerGroup' is required");
        }
        return RemotingCommand.success().setBody(Json.toBytes(describe(group)));
    }

    GroupDescription describe(String group) {
        ClientGroup live = clients.consumerGroup(group);
        ConsumerData data = live == null ? null : live.consumerData();
        Map<String, Map<Integer, Long>> committed = offsets.offsetsOf(group);
        if (data == null && committed.isEmpty() && groupConfigs.get(group) == null) {
            throw new RequestRejectedException(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "consumer group '" + group
                    + "' has no connected member, no committed offset and no configuration on broker " + brokerName);
        }
        Set<SubscriptionData> subscriptions = data == null || data.subscriptions() == null
                ? Set.of() : data.subscriptions();
        Set<String> topicNames = new TreeSet<>(committed.keySet());
        subscriptions.forEach(s -> topicNames.add(s.topic()));

        List<QueueLag> lags = new ArrayList<>();
        long total = 0;
        for (String topic : topicNames) {
            TopicConfig config = topics.get(topic);
            if (config == null) {
                continue;
            }
            for (int q = 0; q < config.readQueueNums(); q++) {
                long max = store.maxQueueOffset(topic, q);
                long min = store.minQueueOffset(topic, q);
                long consumer = offsets.query(group, topic, q);
                long from = Math.max(consumer, min);
                long lag = Math.max(0, max - from);
                lags.add(new QueueLag(topic, q, max, consumer, lag, lagMs(topic, q, consumer, from, lag)));
                total += lag;
            }
        }
        return new GroupDescription(group, brokerName, data == null ? null : data.messageModel(),
                live == null ? List.of() : live.clientIds(), subscriptions, lags, total, groupConfigs.get(group));
    }

    /**
     * The age of the oldest unconsumed message of a queue, from the same offsets as its lag in messages: 0 when caught
     * up, null when unknown (never committed: where the group starts is the client's choice; or the message at
     * {@code from} could not be read, e.g. deleted by retention meanwhile).
     */
    private Long lagMs(String topic, int queueId, long consumer, long from, long lag) {
        if (consumer < 0) {
            return null;
        }
        if (lag == 0) {
            return 0L;
        }
        GetResult r = store.getMessages(topic, queueId, from, 1, Integer.MAX_VALUE, null);
        if (r.messages().isEmpty()) {
            return null;
        }
        return Math.max(0, System.currentTimeMillis() - r.messages().get(0).storeTimestampMs());
    }
}
