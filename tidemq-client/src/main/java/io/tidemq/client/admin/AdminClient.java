package io.tidemq.client.admin;

import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.InvalidArgumentException;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.BrokerRuntimeInfo;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.GroupList;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Administers a TideMQ deployment through the NameServers and the brokers' admin requests: clusters,
 * topics, consumer groups and message lookups. It is what {@code tidemq admin ...} and the console use.
 *
 * <pre>{@code
 * try (AdminClient admin = AdminClient.connect("127.0.0.1:9876", 3_000)) {
 *     admin.createTopic(TopicConfig.of("orders", 8), AdminTarget.cluster("DefaultCluster"));
 *     TopicDescription d = admin.describeTopic("orders");
 * }
 * }</pre>
 *
 * Every call is synchronous and bounded by the timeout per request. Failures are {@link AdminException}s:
 * {@link NameServerUnavailableException}, {@link BrokerUnavailableException}, {@link TopicNotFoundException},
 * {@link UnknownClusterException}, {@link UnknownGroupException}, {@link MessageNotFoundException},
 * or {@link RequestFailedException} carrying a server's error code. Bad arguments are argument errors,
 * thrown before anything is sent ({@link MalformedMessageIdException} for a message id that is not one).
 * Thread-safe; owns one connection per server, closed by {@link #close()}.
 */
public final class AdminClient implements AutoCloseable {

    /** The most messages one key lookup asks each broker for. */
    public static final int MAX_MESSAGES_BY_KEY = 64;
    private static final long ROUTE_POLL_INTERVAL_MS = 100;

    private final NettyRemotingClient remotingClient;
    private final AdminRemoting remoting;
    private final MessageLookup messages;
    private final DeadLetterQueues deadLetters;

    /**
     * @param namesrvAddrs the NameServers, {@code host:port} each
     * @param timeoutMs    the limit of each request, connecting included
     */
    public AdminClient(List<String> namesrvAddrs, long timeoutMs) {
        if (namesrvAddrs == null || namesrvAddrs.isEmpty()) {
            throw new IllegalArgumentException("give at least one NameServer address (host:port)");
        }
        for (String a : namesrvAddrs) {
            HostPort.parse(a, "NameServer address");
        }
        if (timeoutMs < 1 || timeoutMs > 600_000) {
            throw new IllegalArgumentException("timeoutMs must be in [1, 600000], was " + timeoutMs);
        }
        this.remotingClient = new NettyRemotingClient(NettyClientConfig.builder()
                .maxFrameBytes(FrameLayout.CLIENT_MAX_FRAME_BYTES)
                .connectTimeoutMs((int) timeoutMs).selectorThreads(1).workerThreads(1).build());
        this.remotingClient.start();
        this.remoting = new AdminRemoting(remotingClient, namesrvAddrs, timeoutMs);
        this.messages = new MessageLookup(remoting, this::brokers);
        this.deadLetters = new DeadLetterQueues(remoting, this::route);
    }

    /**
     * An admin client for NameServers written {@code host:port;host:port}.
     *
     * @throws InvalidAddressException when an entry is not {@code host:port}
     */
    public static AdminClient connect(String namesrvAddrs, long timeoutMs) {
        return new AdminClient(HostPort.parseListAsText(namesrvAddrs, "NameServer address"), timeoutMs);
    }

    public List<String> namesrvAddrs() {
        return remoting.namesrvAddrs();
    }

    // ---- cluster

    /** GET_BROKER_CLUSTER_INFO from the first NameServer that answers. */
    public ClusterInfo clusterInfo() {
        String what = "cluster lookup (GET_BROKER_CLUSTER_INFO)";
        AdminRemoting.Answer a = remoting.callNamesrv(what,
                RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
        AdminRemoting.expectSuccess(what, "NameServer " + a.address(), a.response());
        return normalized(Json.fromBytes(a.response().body(), ClusterInfo.class));
    }

    private static ClusterInfo normalized(ClusterInfo info) {
        return new ClusterInfo(info.brokers() == null ? Map.of() : info.brokers(),
                info.clusters() == null ? Map.of() : info.clusters(),
                info.lastHeartbeatMs() == null ? Map.of() : info.lastHeartbeatMs());
    }

    /**
     * GET_BROKER_CLUSTER_INFO to each NameServer in turn (not only the first that answers): which ones answer and
     * how many brokers each one knows, in the order the addresses were given. Never throws for a NameServer
     * that does not answer: its entry says why.
     */
    public List<NamesrvStatus> namesrvStatus() {
        String what = "cluster lookup (GET_BROKER_CLUSTER_INFO)";
        List<NamesrvStatus> out = new ArrayList<>();
        for (String addr : remoting.namesrvAddrs()) {
            try {
                RemotingCommand resp = remoting.callNamesrvAt(what, addr,
                        RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
                AdminRemoting.expectSuccess(what, "NameServer " + addr, resp);
                int brokers = BrokerTargets.entries(normalized(Json.fromBytes(resp.body(), ClusterInfo.class))).size();
                out.add(new NamesrvStatus(addr, true, brokers, null));
            } catch (AdminException e) {
                out.add(new NamesrvStatus(addr, false, 0, e.getMessage()));
            }
        }
        return out;
    }

    /** Every broker the NameServers know, sorted by cluster, broker name and id. */
    public List<BrokerEntry> brokers() {
        return BrokerTargets.entries(clusterInfo());
    }

    /** GET_BROKER_RUNTIME_INFO: the broker's figures, by name. */
    public Map<String, String> brokerRuntimeInfo(String brokerAddr) {
        String what = "runtime info (GET_BROKER_RUNTIME_INFO)";
        RemotingCommand resp = remoting.callBroker(what, brokerAddr,
                RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO));
        AdminRemoting.expectSuccess(what, brokerAddr, resp);
        BrokerRuntimeInfo info = Json.fromBytes(resp.body(), BrokerRuntimeInfo.class);
        return info.stats() == null ? Map.of() : new TreeMap<>(info.stats());
    }

    // ---- topics

    /**
     * CREATE_TOPIC on every broker of the target; with {@link AdminTarget#all()} the deployment must have
     * exactly one cluster. Returns the broker addresses the topic was created on.
     */
    public List<String> createTopic(TopicConfig config, AdminTarget target) {
        InvalidArgumentException.checkUserTopic(config.topic());
        return writeTopic(RequestCode.CREATE_TOPIC, "creation of topic " + config.topic(), config, target);
    }

    /** UPDATE_TOPIC (create or change queue counts and permissions) on every broker of the target. */
    public List<String> updateTopic(TopicConfig config, AdminTarget target) {
        InvalidArgumentException.checkUserTopic(config.topic());
        return writeTopic(RequestCode.UPDATE_TOPIC, "update of topic " + config.topic(), config, target);
    }

    private List<String> writeTopic(RequestCode code, String what, TopicConfig config, AdminTarget target) {
        List<String> addrs = writeTargets(target);
        RemotingCommand req = RemotingCommand.createRequest(code).setBody(Json.toBytes(config));
        remoting.callBrokers(what, addrs, req).forEach((addr, resp) -> AdminRemoting.expectSuccess(what, addr, resp));
        return addrs;
    }

    /**
     * DELETE_TOPIC on every broker of the target that hosts it. Returns the addresses it was deleted on.
     *
     * @throws TopicNotFoundException when no broker of the target hosts it
     */
    public List<String> deleteTopic(String topic, AdminTarget target) {
        InvalidArgumentException.checkTopic(topic);
        String what = "deletion of topic " + topic;
        List<String> addrs = writeTargets(target);
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.DELETE_TOPIC)
                .writeHeader(new Headers.TopicRequest(topic));
        List<String> deleted = new ArrayList<>();
        remoting.callBrokers(what, addrs, req).forEach((addr, resp) -> {
            if (!AdminRemoting.is(resp, ResponseCode.TOPIC_NOT_EXIST)) {
                AdminRemoting.expectSuccess(what, addr, resp);
                deleted.add(addr);
            }
        });
        if (deleted.isEmpty()) {
            throw new TopicNotFoundException(topic, target.toString());
        }
        return deleted;
    }

    /** GET_ALL_TOPIC_LIST from every broker of the target, merged and sorted. */
    public SortedSet<String> listTopics(AdminTarget target, boolean includeSystemTopics) {
        String what = "topic list (GET_ALL_TOPIC_LIST)";
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_LIST)
                .writeHeader(new Headers.TopicListRequest(includeSystemTopics));
        SortedSet<String> topics = new TreeSet<>();
        remoting.callBrokers(what, readTargets(target), req).forEach((addr, resp) -> {
            AdminRemoting.expectSuccess(what, addr, resp);
            TopicList list = Json.fromBytes(resp.body(), TopicList.class);
            if (list.topics() != null) {
                topics.addAll(list.topics());
            }
        });
        return topics;
    }

    /**
     * GET_ROUTEINFO_BY_TOPIC.
     *
     * @throws TopicNotFoundException when no NameServer knows the topic
     */
    public TopicRouteData route(String topic) {
        InvalidArgumentException.checkTopic(topic);
        String what = "route lookup of topic " + topic;
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                .writeHeader(new Headers.TopicRequest(topic));
        AdminRemoting.Answer a = remoting.callNamesrv(what, req);
        if (AdminRemoting.is(a.response(), ResponseCode.TOPIC_NOT_EXIST)) {
            throw new TopicNotFoundException(topic, "the NameServers " + remoting.namesrvAddrs());
        }
        AdminRemoting.expectSuccess(what, "NameServer " + a.address(), a.response());
        TopicRouteData route = Json.fromBytes(a.response().body(), TopicRouteData.class);
        return new TopicRouteData(route.queueDatas() == null ? List.of() : route.queueDatas(),
                route.brokerDatas() == null ? List.of() : route.brokerDatas());
    }

    /**
     * Waits until the NameServers route {@code topic} (brokers re-register right after a topic change, so a
     * new topic becomes routable a moment after {@link #createTopic}).
     *
     * @throws TopicNotFoundException when it is still unknown after {@code maxWaitMs}
     */
    public TopicRouteData awaitRoute(String topic, long maxWaitMs) {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000L;
        while (true) {
            try {
                TopicRouteData route = route(topic);
                if (!route.queueDatas().isEmpty()) {
                    return route;
                }
            } catch (TopicNotFoundException e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new TopicNotFoundException(topic, "the NameServers " + remoting.namesrvAddrs()
                        + " (no queue routed after " + maxWaitMs + " ms)");
            }
            try {
                Thread.sleep(ROUTE_POLL_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException("waiting for the route of topic " + topic + " was interrupted", e);
            }
        }
    }

    /** The route plus, per broker group, each queue's min/max offset (GET_TOPIC_STATS). */
    public TopicDescription describeTopic(String topic) {
        TopicRouteData route = route(topic);
        String what = "statistics of topic " + topic + " (GET_TOPIC_STATS)";
        List<String> addrs = new ArrayList<>();
        List<BrokerData> groups = new ArrayList<>(route.brokerDatas());
        groups.sort(Comparator.comparing(BrokerData::brokerName));
        for (BrokerData b : groups) {
            String addr = BrokerTargets.readAddress(b);
            if (addr != null) {
                addrs.add(addr);
            }
        }
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.GET_TOPIC_STATS)
                .writeHeader(new Headers.TopicRequest(topic));
        List<TopicStats> stats = new ArrayList<>();
        remoting.callBrokers(what, addrs, req).forEach((addr, resp) -> {
            if (AdminRemoting.is(resp, ResponseCode.TOPIC_NOT_EXIST)) {
                return;
            }
            AdminRemoting.expectSuccess(what, addr, resp);
            TopicStats s = Json.fromBytes(resp.body(), TopicStats.class);
            stats.add(new TopicStats(s.topic(), s.brokerName(), s.queues() == null ? List.of() : s.queues()));
        });
        return new TopicDescription(topic, route, stats);
    }

    // ---- consumer groups

    /** GET_CONSUMER_GROUP_LIST from every broker of the target, merged and sorted. */
    public SortedSet<String> listGroups(AdminTarget target) {
        String what = "consumer group list (GET_CONSUMER_GROUP_LIST)";
        SortedSet<String> groups = new TreeSet<>();
        remoting.callBrokers(what, readTargets(target), RemotingCommand.createRequest(RequestCode.GET_CONSUMER_GROUP_LIST))
                .forEach((addr, resp) -> {
                    AdminRemoting.expectSuccess(what, addr, resp);
                    GroupList list = Json.fromBytes(resp.body(), GroupList.class);
                    if (list.groups() != null) {
                        groups.addAll(list.groups());
                    }
                });
        return groups;
    }

    /**
     * DESCRIBE_CONSUMER_GROUP on every broker of the target; brokers that do not know the group are left out.
     *
     * @throws UnknownGroupException when no broker knows it
     */
    public ConsumerGroupView describeGroup(String group, AdminTarget target) {
        InvalidArgumentException.checkGroup(group);
        String what = "description of consumer group " + group + " (DESCRIBE_CONSUMER_GROUP)";
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.DESCRIBE_CONSUMER_GROUP)
                .writeHeader(new Headers.GroupRequest(group));
        List<GroupDescription> views = new ArrayList<>();
        remoting.callBrokers(what, readTargets(target), req).forEach((addr, resp) -> {
            if (AdminRemoting.is(resp, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST)) {
                return;
            }
            AdminRemoting.expectSuccess(what, addr, resp);
            GroupDescription d = Json.fromBytes(resp.body(), GroupDescription.class);
            views.add(new GroupDescription(d.group(), d.brokerName(), d.messageModel(),
                    d.members() == null ? List.of() : d.members(),
                    d.subscriptions() == null ? Set.of() : d.subscriptions(),
                    d.queues() == null ? List.of() : d.queues(), d.totalLag()));
        });
        if (views.isEmpty()) {
            throw new UnknownGroupException(group);
        }
        views.sort(Comparator.comparing(GroupDescription::brokerName, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new ConsumerGroupView(group, views);
    }

    // ---- messages

    /**
     * QUERY_MESSAGE_BY_ID: first to the broker whose address the id encodes, then, if that one cannot be
     * reached or does not have it (an address seen through NAT, a slave serving instead), to every other
     * broker the NameServers know. A broker answer counts only when its message carries exactly this id.
     *
     * @throws MalformedMessageIdException when the id is not a broker-assigned id
     * @throws MessageNotFoundException    when no broker has it
     */
    public MessageExt messageById(String msgId) {
        return messages.byId(msgId);
    }

    /**
     * QUERY_MESSAGE_BY_KEY on every broker serving {@code topic}: messages whose keys (or producer unique id)
     * include {@code key}, oldest first, at most {@code maxNum} (capped at {@value #MAX_MESSAGES_BY_KEY}) per broker.
     *
     * @throws TopicNotFoundException    when no NameServer knows the topic
     * @throws MessageNotFoundException when no broker has a match
     */
    public List<MessageExt> messagesByKey(String topic, String key, int maxNum) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("give a non-empty key to look messages up by");
        }
        return messages.byKey(route(topic), topic, key, Math.max(1, Math.min(maxNum, MAX_MESSAGES_BY_KEY)));
    }

    // ---- dead-letter queues

    /**
     * GET_DLQ_MESSAGES: the messages in {@code %DLQ%<group>}, oldest first, at most {@code maxNum} (capped at 256)
     * per broker; empty when none of the group's messages was ever dead-lettered.
     */
    public List<MessageExt> deadLetters(String group, int maxNum) {
        return deadLetters.list(group, maxNum);
    }

    /**
     * RESEND_DLQ_MESSAGES for one dead letter: the broker holding it puts it back into {@code %RETRY%<group>}, due
     * at once, with its reconsume count reset. Returns that broker's address.
     *
     * @throws MalformedMessageIdException when the id is not a broker-assigned id
     * @throws MessageNotFoundException    when no broker holds it in the group's dead-letter queue
     */
    public String resendDeadLetter(String group, String msgId) {
        return deadLetters.resendOne(group, msgId);
    }

    /**
     * RESEND_DLQ_MESSAGES for every dead letter of the group not resent before (each broker keeps a resend
     * cursor, so running it twice resends nothing twice). Returns how many were resent.
     */
    public long resendAllDeadLetters(String group) {
        return deadLetters.resendAll(group);
    }

    // ---- targets

    private List<String> readTargets(AdminTarget target) {
        return target.brokerAddr() != null ? List.of(target.brokerAddr())
                : BrokerTargets.readAddresses(clusterInfo(), target, remoting.namesrvAddrs());
    }

    private List<String> writeTargets(AdminTarget target) {
        return target.brokerAddr() != null ? List.of(target.brokerAddr())
                : BrokerTargets.writeAddresses(clusterInfo(), target, remoting.namesrvAddrs());
    }

    /** Closes the connections. Idempotent. */
    @Override
    public void close() {
        remotingClient.shutdown();
    }
}
