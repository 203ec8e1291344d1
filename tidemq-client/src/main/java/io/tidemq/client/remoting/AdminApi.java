package io.tidemq.client.remoting;

import io.tidemq.client.BrokerUnavailableException;
import io.tidemq.client.ClientException;
import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.BrokerRuntimeInfo;
import io.tidemq.common.protocol.body.ClusterStats;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.common.protocol.body.ConfigUpdates;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.GroupList;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.body.SubscriptionGroupList;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicConfigList;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.RemotingClient;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin client's typed requests: NameServer calls fail over from one NameServer to the next, broker
 * calls go to one address or fan out to several in parallel. Failed answers become the exceptions of
 * {@link ResponseCodes}; a code that means "nothing here" on one broker (the topic, group or message is
 * elsewhere) is an absent result, which the admin client weighs over all brokers. Transport failures become
 * {@link NameServerUnavailableException} / {@link BrokerUnavailableException}.
 *
 * <p>{@code what} names the request in error messages ("deletion of topic t"). Thread-safe; owns its
 * transport, closed by {@link #close()}.
 */
public final class AdminApi implements AutoCloseable {

    private final RemotingClient remoting;
    private final List<String> namesrvAddrs;
    private final long timeoutMs;
    /** Where the next NameServer call starts, so a dead first NameServer costs one timeout, not one per call. */
    private final AtomicInteger namesrvCursor = new AtomicInteger();

    private AdminApi(RemotingClient remoting, List<String> namesrvAddrs, long timeoutMs) {
        this.remoting = remoting;
        this.namesrvAddrs = List.copyOf(namesrvAddrs);
        this.timeoutMs = timeoutMs;
    }

    /** An admin request layer with one I/O thread, started. */
    public static AdminApi open(List<String> namesrvAddrs, long timeoutMs) {
        ClientRemotingApi transport = ClientRemotingApi.create(timeoutMs, 1);
        transport.start();
        return new AdminApi(transport.remoting(), namesrvAddrs, timeoutMs);
    }

    public List<String> namesrvAddrs() {
        return namesrvAddrs;
    }

    /** Closes the connections. Idempotent. */
    @Override
    public void close() {
        remoting.shutdown();
    }

    // ---- NameServers

    /** GET_BROKER_CLUSTER_INFO from the first NameServer that answers. */
    public ClusterInfo clusterInfo(String what) {
        NamesrvAnswer a = callNamesrv(what, RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
        expectSuccess(what, "NameServer " + a.address(), a.response());
        return Json.fromBytes(a.response().body(), ClusterInfo.class);
    }

    /** GET_BROKER_CLUSTER_INFO from the NameServer at {@code addr}, not the others. */
    public ClusterInfo clusterInfoAt(String what, String addr) {
        RemotingCommand resp = callNamesrvAt(what, addr, RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
        expectSuccess(what, "NameServer " + addr, resp);
        return Json.fromBytes(resp.body(), ClusterInfo.class);
    }

    /** GET_CLUSTER_STATS from the first NameServer that answers. */
    public ClusterStats clusterStats(String what) {
        NamesrvAnswer a = callNamesrv(what, RemotingCommand.createRequest(RequestCode.GET_CLUSTER_STATS));
        expectSuccess(what, "NameServer " + a.address(), a.response());
        return Json.fromBytes(a.response().body(), ClusterStats.class);
    }

    /**
     * GET_ROUTEINFO_BY_TOPIC from the first NameServer that answers.
     *
     * @throws TopicNotFoundException when the NameServers do not know the topic
     */
    public TopicRouteData route(String what, String topic) {
        NamesrvAnswer a = callNamesrv(what, RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                .writeHeader(new Headers.TopicRequest(topic)));
        expectSuccess(what, "NameServer " + a.address(), topic, "the NameServers " + namesrvAddrs, a.response());
        return Json.fromBytes(a.response().body(), TopicRouteData.class);
    }

    /** GET_ALL_TOPIC_LIST from the first NameServer that answers: every topic some live broker serves. */
    public List<String> namesrvTopicNames(String what) {
        NamesrvAnswer a = callNamesrv(what, RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_LIST));
        expectSuccess(what, "NameServer " + a.address(), a.response());
        String[] names = Json.fromBytes(a.response().body(), String[].class);
        return names == null ? List.of() : List.of(names);
    }

    // ---- one broker

    /** GET_BROKER_RUNTIME_INFO. */
    public BrokerRuntimeInfo runtimeInfo(String what, String addr) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO));
        expectSuccess(what, addr, resp);
        return Json.fromBytes(resp.body(), BrokerRuntimeInfo.class);
    }

    /** GET_MAX_OFFSET ({@code max}) or GET_MIN_OFFSET of one queue. */
    public long queueOffset(String what, String addr, String topic, int queueId, boolean max) {
        return offset(what, addr, RemotingCommand.createRequest(max ? RequestCode.GET_MAX_OFFSET : RequestCode.GET_MIN_OFFSET)
                .writeHeader(new Headers.QueueRequest(topic, queueId)));
    }

    /** SEARCH_OFFSET_BY_TIMESTAMP: the first offset of the queue stored at or after {@code timestampMs}. */
    public long searchOffset(String what, String addr, String topic, int queueId, long timestampMs) {
        return offset(what, addr, RemotingCommand.createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP)
                .writeHeader(new Headers.SearchOffsetRequest(topic, queueId, timestampMs)));
    }

    private long offset(String what, String addr, RemotingCommand request) {
        RemotingCommand resp = callBroker(what, addr, request);
        expectSuccess(what, addr, resp);
        return resp.readHeader(Headers.OffsetResponse.class).offset();
    }

    /** QUERY_CONSUMER_OFFSET; {@code -1} when the group never committed one for the queue. */
    public long committedOffset(String what, String addr, String group, String topic, int queueId) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .writeHeader(new Headers.QueryConsumerOffsetRequest(group, topic, queueId)));
        if (is(resp, ResponseCode.QUERY_NOT_FOUND) || is(resp, ResponseCode.OFFSET_NOT_FOUND)) {
            return -1;
        }
        expectSuccess(what, addr, resp);
        return resp.readHeader(Headers.OffsetResponse.class).offset();
    }

    /** UPDATE_CONSUMER_OFFSET with {@code rewind}: sets the group's offset, backwards too. */
    public void setOffset(String what, String addr, String group, String topic, int queueId, long offset) {
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET)
                .writeHeader(new Headers.UpdateConsumerOffsetRequest(group, topic, queueId, offset, null, Boolean.TRUE));
        expectSuccess(what, addr, callBroker(what, addr, req));
    }

    /** An answer to QUERY_QUEUE_MESSAGES: where the read stopped, and the messages. */
    public record QueueRead(Headers.QueueMessagesResponse header, List<MessageExt> messages) {
    }

    /**
     * QUERY_QUEUE_MESSAGES: up to {@code maxNum} messages of one queue from {@code offset}, read without being
     * delivered or committed; {@code endTimestampMs > 0} stops at the first stored later.
     *
     * @throws TopicNotFoundException when the broker does not serve the topic
     */
    public QueueRead readQueue(String what, String addr, String topic, int queueId, long offset, int maxNum,
                               long endTimestampMs) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.QUERY_QUEUE_MESSAGES)
                .writeHeader(new Headers.QueueMessagesRequest(topic, queueId, offset, maxNum, endTimestampMs)));
        expectSuccess(what, addr, topic, "broker " + addr, resp);
        Headers.QueueMessagesResponse h = resp.readHeader(Headers.QueueMessagesResponse.class);
        return new QueueRead(h, messages(resp));
    }

    /**
     * QUERY_MESSAGE_BY_ID: what the broker stores at the id's offset; empty when it has nothing there.
     *
     * @throws BrokerUnavailableException when the broker does not answer
     */
    public List<MessageExt> messagesById(String what, String addr, String msgId) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_ID)
                .writeHeader(new Headers.MessageIdRequest(msgId)));
        if (is(resp, ResponseCode.QUERY_NOT_FOUND)) {
            return List.of();
        }
        expectSuccess(what, addr, resp);
        return messages(resp);
    }

    /** GET_DLQ_MESSAGES: the oldest dead letters of {@code group} on one broker; empty when it has none. */
    public List<MessageExt> deadLetters(String what, String addr, String group, int maxNum) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.GET_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqMessagesRequest(group, -1, maxNum)));
        if (is(resp, ResponseCode.TOPIC_NOT_EXIST)) {
            return List.of();
        }
        expectSuccess(what, addr, resp);
        return messages(resp);
    }

    /** RESEND_DLQ_MESSAGES of one dead letter; {@code false} when this broker does not hold it. */
    public boolean resendDeadLetter(String what, String addr, String group, String msgId) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.RESEND_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqResendRequest(group, msgId)));
        if (is(resp, ResponseCode.QUERY_NOT_FOUND) || is(resp, ResponseCode.TOPIC_NOT_EXIST)) {
            return false;
        }
        expectSuccess(what, addr, resp);
        return true;
    }

    /**
     * RESEND_DLQ_MESSAGES of the next dead letters not resent before (one bounded batch); {@code null} when
     * this broker has no dead-letter queue for the group.
     */
    public Headers.DlqResendResponse resendDeadLetters(String what, String addr, String group) {
        RemotingCommand resp = callBroker(what, addr, RemotingCommand.createRequest(RequestCode.RESEND_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqResendRequest(group, null)));
        if (is(resp, ResponseCode.TOPIC_NOT_EXIST)) {
            return null;
        }
        expectSuccess(what, addr, resp);
        return resp.readHeader(Headers.DlqResendResponse.class);
    }

    // ---- configuration

    /** GET_BROKER_CONFIG, by address. */
    public Map<String, ConfigSnapshot> brokerConfigs(String what, List<String> addrs) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_BROKER_CONFIG)),
                null, ConfigSnapshot.class);
    }

    /** UPDATE_BROKER_CONFIG on every address: the configuration of each after the change, by address. */
    public Map<String, ConfigSnapshot> updateBrokerConfigs(String what, List<String> addrs, Map<String, String> updates) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.UPDATE_BROKER_CONFIG)
                .setBody(Json.toBytes(new ConfigUpdates(updates)))), null, ConfigSnapshot.class);
    }

    /** GET_NAMESRV_CONFIG ({@code updates} null) or UPDATE_NAMESRV_CONFIG at the NameServer {@code addr}, not the others. */
    public ConfigSnapshot namesrvConfigAt(String what, String addr, Map<String, String> updates) {
        RemotingCommand request = updates == null ? RemotingCommand.createRequest(RequestCode.GET_NAMESRV_CONFIG)
                : RemotingCommand.createRequest(RequestCode.UPDATE_NAMESRV_CONFIG)
                        .setBody(Json.toBytes(new ConfigUpdates(updates)));
        RemotingCommand resp = callNamesrvAt(what, addr, request);
        expectSuccess(what, "NameServer " + addr, resp);
        return Json.fromBytes(resp.body(), ConfigSnapshot.class);
    }

    // ---- several brokers at once (answers in the order of the addresses)

    /** SET_BROKER_DRAINED: per address, whether its state changed. */
    public Map<String, Boolean> setDrained(String what, List<String> addrs, boolean drained) {
        Map<String, Boolean> changed = new LinkedHashMap<>();
        callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.SET_BROKER_DRAINED)
                .writeHeader(new Headers.BrokerDrainRequest(drained))).forEach((addr, resp) -> {
                    expectSuccess(what, addr, resp);
                    changed.put(addr, resp.readHeader(Headers.BrokerDrainResponse.class).changed());
                });
        return changed;
    }

    /** CREATE_TOPIC ({@code create}) or UPDATE_TOPIC on every address. */
    public void writeTopic(String what, List<String> addrs, boolean create, TopicConfig config) {
        callBrokers(what, addrs, RemotingCommand.createRequest(create ? RequestCode.CREATE_TOPIC : RequestCode.UPDATE_TOPIC)
                .setBody(Json.toBytes(config))).forEach((addr, resp) -> expectSuccess(what, addr, resp));
    }

    /** CREATE_TOPICS on every address: the topics as one change on each broker. */
    public void createTopics(String what, List<String> addrs, List<TopicConfig> configs) {
        callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.CREATE_TOPICS)
                .setBody(Json.toBytes(new TopicConfigList(configs)))).forEach((addr, resp) -> expectSuccess(what, addr, resp));
    }

    /** DELETE_TOPIC on every address; returns those that hosted it. */
    public List<String> deleteTopic(String what, List<String> addrs, String topic) {
        List<String> deleted = new ArrayList<>();
        callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.DELETE_TOPIC)
                .writeHeader(new Headers.TopicRequest(topic))).forEach((addr, resp) -> {
                    if (!is(resp, ResponseCode.TOPIC_NOT_EXIST)) {
                        expectSuccess(what, addr, resp);
                        deleted.add(addr);
                    }
                });
        return deleted;
    }

    /** GET_ALL_TOPIC_LIST, by address. */
    public Map<String, TopicList> topicLists(String what, List<String> addrs, boolean includeSystemTopics) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_LIST)
                .writeHeader(new Headers.TopicListRequest(includeSystemTopics))), null, TopicList.class);
    }

    /** GET_TOPIC_STATS, by address; brokers that do not host the topic are left out. */
    public Map<String, TopicStats> topicStats(String what, List<String> addrs, String topic) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_TOPIC_STATS)
                .writeHeader(new Headers.TopicRequest(topic))), ResponseCode.TOPIC_NOT_EXIST, TopicStats.class);
    }

    /** GET_CONSUMER_GROUP_LIST, by address. */
    public Map<String, GroupList> groupLists(String what, List<String> addrs) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_CONSUMER_GROUP_LIST)),
                null, GroupList.class);
    }

    /** DESCRIBE_CONSUMER_GROUP, by address; brokers that do not know the group are left out. */
    public Map<String, GroupDescription> describeGroup(String what, List<String> addrs, String group) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.DESCRIBE_CONSUMER_GROUP)
                .writeHeader(new Headers.GroupRequest(group))), ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
                GroupDescription.class);
    }

    /** UPDATE_SUBSCRIPTION_GROUP on every address: the configuration each stored, by address. */
    public Map<String, SubscriptionGroupConfig> writeGroupConfig(String what, List<String> addrs, boolean create,
                                                                 SubscriptionGroupConfig config) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(
                RequestCode.UPDATE_SUBSCRIPTION_GROUP).writeHeader(new Headers.GroupConfigRequest(create))
                .setBody(Json.toBytes(config))), null, SubscriptionGroupConfig.class);
    }

    /** GET_WAITING_MESSAGES, by address. */
    public Map<String, io.tidemq.common.protocol.body.WaitingMessages> waitingMessages(String what, List<String> addrs) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_WAITING_MESSAGES)),
                null, io.tidemq.common.protocol.body.WaitingMessages.class);
    }

    /** GET_DELIVERY_LATENCY of one broker: the intervals that ended after {@code afterMs} (broker clock). */
    public io.tidemq.common.protocol.body.DeliveryLatency deliveryLatency(String what, String addr, long afterMs) {
        return decodeAll(what, callBrokers(what, List.of(addr), RemotingCommand.createRequest(
                RequestCode.GET_DELIVERY_LATENCY).putField("afterMs", afterMs)), null,
                io.tidemq.common.protocol.body.DeliveryLatency.class).get(addr);
    }

    /** GET_TOPIC_RATES, by address; brokers that do not host the topic are left out. */
    public Map<String, io.tidemq.common.protocol.body.TopicRates> topicRates(String what, List<String> addrs,
                                                                             String topic) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_TOPIC_RATES)
                .writeHeader(new Headers.TopicRequest(topic))), ResponseCode.TOPIC_NOT_EXIST,
                io.tidemq.common.protocol.body.TopicRates.class);
    }

    /** GET_SUBSCRIPTION_GROUPS, by address. */
    public Map<String, SubscriptionGroupList> groupConfigs(String what, List<String> addrs) {
        return decodeAll(what, callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.GET_SUBSCRIPTION_GROUPS)),
                null, SubscriptionGroupList.class);
    }

    /** DELETE_CONSUMER_GROUP on every address; returns those that knew the group. */
    public List<String> deleteGroup(String what, List<String> addrs, String group, boolean force) {
        List<String> deleted = new ArrayList<>();
        callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.DELETE_CONSUMER_GROUP)
                .writeHeader(new Headers.DeleteGroupRequest(group, force))).forEach((addr, resp) -> {
                    if (!is(resp, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST)) {
                        expectSuccess(what, addr, resp);
                        deleted.add(addr);
                    }
                });
        return deleted;
    }

    /** QUERY_MESSAGE_BY_KEY, by address; brokers with no match are left out. */
    public Map<String, List<MessageExt>> messagesByKey(String what, List<String> addrs, String topic, String key,
                                                       int maxNum) {
        Map<String, List<MessageExt>> found = new LinkedHashMap<>();
        callBrokers(what, addrs, RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_KEY)
                .writeHeader(new Headers.MessageKeyRequest(topic, key, maxNum, 0, 0))).forEach((addr, resp) -> {
                    if (!is(resp, ResponseCode.QUERY_NOT_FOUND)) {
                        expectSuccess(what, addr, resp);
                        found.put(addr, messages(resp));
                    }
                });
        return found;
    }

    // ---- plumbing

    /** The JSON bodies of SUCCESS answers, by address; {@code absent} answers are left out, others throw. */
    private static <T> Map<String, T> decodeAll(String what, Map<String, RemotingCommand> answers, ResponseCode absent,
                                                Class<T> type) {
        Map<String, T> out = new LinkedHashMap<>();
        answers.forEach((addr, resp) -> {
            if (absent == null || !is(resp, absent)) {
                expectSuccess(what, addr, resp);
                out.put(addr, Json.fromBytes(resp.body(), type));
            }
        });
        return out;
    }

    private static List<MessageExt> messages(RemotingCommand resp) {
        return resp.body().length == 0 ? List.of() : MessageCodec.decodeDelivered(ByteBuffer.wrap(resp.body()));
    }

    /** Sends to the NameServers in turn until one answers; returns the answer and who gave it. */
    private NamesrvAnswer callNamesrv(String what, RemotingCommand request) {
        int start = Math.floorMod(namesrvCursor.get(), namesrvAddrs.size());
        Exception last = null;
        for (int i = 0; i < namesrvAddrs.size(); i++) {
            int index = (start + i) % namesrvAddrs.size();
            String addr = namesrvAddrs.get(index);
            try {
                RemotingCommand response = remoting.invokeSync(addr, request, timeoutMs);
                namesrvCursor.set(index);
                return new NamesrvAnswer(addr, response);
            } catch (RemotingException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException(what + " was interrupted", e);
            }
        }
        throw new NameServerUnavailableException(what, namesrvAddrs, last);
    }

    /** Sends to the NameServer at {@code addr} (not the others) and waits. */
    private RemotingCommand callNamesrvAt(String what, String addr, RemotingCommand request) {
        try {
            return remoting.invokeSync(addr, request, timeoutMs);
        } catch (RemotingException e) {
            throw new NameServerUnavailableException(what, List.of(addr), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(what + " to NameServer " + addr + " was interrupted", e);
        }
    }

    /** Sends to one broker and waits. */
    private RemotingCommand callBroker(String what, String addr, RemotingCommand request) {
        try {
            return remoting.invokeSync(addr, request, timeoutMs);
        } catch (RemotingException e) {
            throw new BrokerUnavailableException(what, addr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(what + " to broker " + addr + " was interrupted", e);
        }
    }

    /**
     * Sends the same request to every address at once and waits for all answers, in the order given.
     *
     * @throws BrokerUnavailableException for the first address (in order) that did not answer
     */
    private Map<String, RemotingCommand> callBrokers(String what, List<String> addrs, RemotingCommand request) {
        List<CompletableFuture<RemotingCommand>> futures = new ArrayList<>(addrs.size());
        for (String addr : addrs) {
            futures.add(remoting.invokeAsync(addr, request, timeoutMs));
        }
        Map<String, RemotingCommand> answers = new LinkedHashMap<>();
        for (int i = 0; i < addrs.size(); i++) {
            try {
                answers.put(addrs.get(i), futures.get(i).get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new BrokerUnavailableException(what, addrs.get(i), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException(what + " was interrupted", e);
            }
        }
        return answers;
    }

    /** @throws RequestFailedException unless {@code response} is SUCCESS */
    private static void expectSuccess(String what, String addr, RemotingCommand response) {
        ResponseCodes.expectSuccess(what, addr, null, response);
    }

    /**
     * @param where where the topic was looked for, for a {@link TopicNotFoundException}
     * @throws TopicNotFoundException for TOPIC_NOT_EXIST, {@link RequestFailedException} for any other failure
     */
    private static void expectSuccess(String what, String addr, String topic, String where, RemotingCommand response) {
        if (is(response, ResponseCode.TOPIC_NOT_EXIST)) {
            throw ResponseCodes.toException(what, where, topic, response.code(), response.remark());
        }
        ResponseCodes.expectSuccess(what, addr, null, response);
    }

    private static boolean is(RemotingCommand response, ResponseCode code) {
        return response.code() == code.code();
    }

    /** A NameServer's answer and its address (for error messages). */
    private record NamesrvAnswer(String address, RemotingCommand response) {
    }
}
