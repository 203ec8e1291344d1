package io.tidemq.client.admin;

import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.remoting.AdminApi;
import io.tidemq.client.InvalidArgumentException;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.protocol.body.BrokerRuntimeInfo;
import io.tidemq.common.protocol.body.ClusterStats;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.GroupList;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import io.tidemq.common.protocol.body.TopicList;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    /** The most topics one {@link #createTopics} call takes (the broker's limit per CREATE_TOPICS). */
    public static final int MAX_TOPICS_PER_CREATE = 10_000;
    private static final long ROUTE_POLL_INTERVAL_MS = 100;

    private final AdminApi remoting;
    private final MessageLookup messages;
    private final DeadLetterQueues deadLetters;
    private final OffsetResets resets;

    /**
     * @param namesrvAddrs the NameServers, {@code host:port} each
     * @param timeoutMs    the limit of each request, connecting included
     */
    public AdminClient(List<String> namesrvAddrs, long timeoutMs) {
        if (namesrvAddrs == null || namesrvAddrs.isEmpty()) {
            throw new InvalidArgumentException("give at least one NameServer address (host:port)");
        }
        for (String a : namesrvAddrs) {
            try {
                HostPort.parse(a, "NameServer address");
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e);
            }
        }
        if (timeoutMs < 1 || timeoutMs > 600_000) {
            throw new InvalidArgumentException("timeoutMs must be in [1, 600000], was " + timeoutMs);
        }
        this.remoting = AdminApi.open(namesrvAddrs, timeoutMs);
        this.messages = new MessageLookup(remoting, this::brokers);
        this.deadLetters = new DeadLetterQueues(remoting, this::route);
        this.resets = new OffsetResets(remoting, System::currentTimeMillis);
    }

    /**
     * An admin client for NameServers written {@code host:port;host:port}.
     *
     * @throws InvalidAddressException when an entry is not {@code host:port}
     */
    public static AdminClient connect(String namesrvAddrs, long timeoutMs) {
        List<String> addrs;
        try {
            addrs = HostPort.parseListAsText(namesrvAddrs, "NameServer address");
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e);
        }
        return new AdminClient(addrs, timeoutMs);
    }

    public List<String> namesrvAddrs() {
        return remoting.namesrvAddrs();
    }

    // ---- cluster

    /** GET_BROKER_CLUSTER_INFO from the first NameServer that answers. */
    public ClusterInfo clusterInfo() {
        String what = "cluster lookup (GET_BROKER_CLUSTER_INFO)";
        return normalized(remoting.clusterInfo(what));
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
                int brokers = BrokerTargets.entries(normalized(remoting.clusterInfoAt(what, addr))).size();
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
        BrokerRuntimeInfo info = remoting.runtimeInfo(what, brokerAddr);
        return info.stats() == null ? Map.of() : new TreeMap<>(info.stats());
    }

    /**
     * GET_CLUSTER_STATS from the first NameServer that answers: every live broker with the runtime figures (TPS in
     * and out, disk use, version, role, store write state, drained) it reported with its last registration. One
     * call for a whole overview.
     */
    public ClusterStats clusterStats() {
        String what = "cluster statistics (GET_CLUSTER_STATS)";
        ClusterStats stats = remoting.clusterStats(what);
        return new ClusterStats(stats.nameServerTimeMs(), stats.brokers() == null ? List.of() : stats.brokers());
    }

    /**
     * SET_BROKER_DRAINED on every master of the target: drained, a broker registers its topics read-only, so
     * producers send elsewhere from their next route refresh while consumers keep reading it. Returns, per
     * broker address, whether its state changed.
     */
    public Map<String, Boolean> setDrained(AdminTarget target, boolean drained) {
        String what = (drained ? "drain" : "undrain") + " (SET_BROKER_DRAINED)";
        return remoting.setDrained(what, writeTargets(target), drained);
    }

    // ---- topics

    /**
     * CREATE_TOPIC on every broker of the target; with {@link AdminTarget#all()} the deployment must have
     * exactly one cluster. Returns the broker addresses the topic was created on.
     */
    public List<String> createTopic(TopicConfig config, AdminTarget target) {
        InvalidArgumentException.checkUserTopic(config.topic());
        return writeTopic(true, "creation of topic " + config.topic(), config, target);
    }

    /**
     * CREATE_TOPICS on every broker of the target: the topics not there yet are created as one change per broker
     * (one write of its topic table, one registration round), which is what creating hundreds or thousands of topics
     * wants; topics that exist with the same configuration are left alone. Returns the broker addresses. Like
     * {@link #createTopic}, the routes follow a moment later ({@link #awaitRoutes}).
     *
     * @throws InvalidArgumentException for an empty list, more than {@link #MAX_TOPICS_PER_CREATE} topics or a bad name
     */
    public List<String> createTopics(List<TopicConfig> configs, AdminTarget target) {
        if (configs == null || configs.isEmpty() || configs.size() > MAX_TOPICS_PER_CREATE) {
            throw new InvalidArgumentException("give 1 to " + MAX_TOPICS_PER_CREATE + " topics to create, got "
                    + (configs == null ? 0 : configs.size()));
        }
        for (TopicConfig config : configs) {
            InvalidArgumentException.checkUserTopic(config.topic());
        }
        List<String> addrs = writeTargets(target);
        remoting.createTopics("creation of " + configs.size() + " topics (" + configs.get(0).topic() + " ...)", addrs,
                configs);
        return addrs;
    }

    /** UPDATE_TOPIC (create or change queue counts and permissions) on every broker of the target. */
    public List<String> updateTopic(TopicConfig config, AdminTarget target) {
        InvalidArgumentException.checkUserTopic(config.topic());
        return writeTopic(false, "update of topic " + config.topic(), config, target);
    }

    private List<String> writeTopic(boolean create, String what, TopicConfig config, AdminTarget target) {
        List<String> addrs = writeTargets(target);
        remoting.writeTopic(what, addrs, create, config);
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
        List<String> deleted = remoting.deleteTopic(what, writeTargets(target), topic);
        if (deleted.isEmpty()) {
            throw new TopicNotFoundException(topic, target.toString());
        }
        return deleted;
    }

    /** GET_ALL_TOPIC_LIST from every broker of the target, merged and sorted. */
    public SortedSet<String> listTopics(AdminTarget target, boolean includeSystemTopics) {
        String what = "topic list (GET_ALL_TOPIC_LIST)";
        SortedSet<String> topics = new TreeSet<>();
        for (TopicList list : remoting.topicLists(what, readTargets(target), includeSystemTopics).values()) {
            if (list.topics() != null) {
                topics.addAll(list.topics());
            }
        }
        return topics;
    }

    /** The topics some live broker serves, as a NameServer sees them (its GET_ALL_TOPIC_LIST), sorted. */
    public SortedSet<String> routedTopics() {
        return new TreeSet<>(remoting.namesrvTopicNames("topic list of the NameServers (GET_ALL_TOPIC_LIST)"));
    }

    /**
     * Waits until the NameServers route every topic of {@code topics}: one topic list per poll, however many topics
     * (where {@link #awaitRoute} asks for one route at a time).
     *
     * @throws TopicNotFoundException naming the first topic still unknown after {@code maxWaitMs}
     */
    public void awaitRoutes(Collection<String> topics, long maxWaitMs) {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000L;
        Set<String> waiting = new HashSet<>(topics);
        while (true) {
            try {
                waiting.removeAll(routedTopics());
            } catch (NameServerUnavailableException e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new TopicNotFoundException(new TreeSet<>(waiting).first(), "the NameServers "
                        + remoting.namesrvAddrs() + " (" + waiting.size() + " of " + topics.size()
                        + " topics not routed after " + maxWaitMs + " ms)");
            }
            try {
                Thread.sleep(ROUTE_POLL_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdminException("waiting for the routes of " + topics.size() + " topics was interrupted", e);
            }
        }
    }

    /**
     * GET_ROUTEINFO_BY_TOPIC.
     *
     * @throws TopicNotFoundException when no NameServer knows the topic
     */
    public TopicRouteData route(String topic) {
        InvalidArgumentException.checkTopic(topic);
        String what = "route lookup of topic " + topic;
        TopicRouteData route = remoting.route(what, topic);
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
        List<TopicStats> stats = new ArrayList<>();
        for (TopicStats s : remoting.topicStats(what, addrs, topic).values()) {
            stats.add(new TopicStats(s.topic(), s.brokerName(), s.queues() == null ? List.of() : s.queues(), s.order()));
        }
        return new TopicDescription(topic, route, stats);
    }

    // ---- consumer groups

    /** GET_CONSUMER_GROUP_LIST from every broker of the target, merged and sorted. */
    public SortedSet<String> listGroups(AdminTarget target) {
        String what = "consumer group list (GET_CONSUMER_GROUP_LIST)";
        SortedSet<String> groups = new TreeSet<>();
        for (GroupList list : remoting.groupLists(what, readTargets(target)).values()) {
            if (list.groups() != null) {
                groups.addAll(list.groups());
            }
        }
        return groups;
    }

    /**
     * UPDATE_SUBSCRIPTION_GROUP on every master of the target: creates ({@code create}) or replaces the group's
     * configuration there (consumeEnable, retryMaxTimes, consumeFromWhere). Each broker persists it; slaves do not
     * receive it.
     *
     * @return the configuration each broker stored, by address
     * @throws InvalidArgumentException when the name or a value is invalid (nothing sent)
     * @throws io.tidemq.client.RequestFailedException when a broker refuses (a create of a configured group, an
     *                                                 update of an unconfigured one)
     */
    public Map<String, SubscriptionGroupConfig> writeGroupConfig(SubscriptionGroupConfig config, boolean create,
                                                                 AdminTarget target) {
        SubscriptionGroupConfig checked;
        InvalidArgumentException.checkGroup(config.groupName());
        try {
            checked = config.checked();
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
        String what = (create ? "creation" : "update") + " of the configuration of consumer group "
                + config.groupName() + " (UPDATE_SUBSCRIPTION_GROUP)";
        return remoting.writeGroupConfig(what, writeTargets(target), create, checked);
    }

    /** GET_SUBSCRIPTION_GROUPS on every broker of the target: the group configurations each holds, by address. */
    public Map<String, List<SubscriptionGroupConfig>> groupConfigs(AdminTarget target) {
        Map<String, List<SubscriptionGroupConfig>> out = new LinkedHashMap<>();
        remoting.groupConfigs("consumer group configurations (GET_SUBSCRIPTION_GROUPS)", readTargets(target))
                .forEach((addr, list) -> out.put(addr, list.groups() == null ? List.of() : list.groups()));
        return out;
    }

    /**
     * DESCRIBE_CONSUMER_GROUP on every broker of the target; brokers that do not know the group are left out.
     *
     * @throws UnknownGroupException when no broker knows it
     */
    public ConsumerGroupView describeGroup(String group, AdminTarget target) {
        InvalidArgumentException.checkGroup(group);
        String what = "description of consumer group " + group + " (DESCRIBE_CONSUMER_GROUP)";
        List<GroupDescription> views = new ArrayList<>();
        for (GroupDescription d : remoting.describeGroup(what, readTargets(target), group).values()) {
            views.add(normalized(d));
        }
        if (views.isEmpty()) {
            throw new UnknownGroupException(group);
        }
        views.sort(Comparator.comparing(GroupDescription::brokerName, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new ConsumerGroupView(group, views);
    }

    /**
     * Plans a reset of {@code group}'s offsets on every queue of {@code topic} without changing anything: the
     * dry run of {@code admin group reset-offsets}.
     *
     * @throws TopicNotFoundException when no NameServer knows the topic
     */
    public OffsetResetPlan planOffsetReset(String group, String topic, OffsetResetSpec spec) {
        return planOffsetReset(group, topic, spec, AdminProgress.NONE);
    }

    /** {@link #planOffsetReset(String, String, OffsetResetSpec)}, telling {@code progress} after each queue. */
    public OffsetResetPlan planOffsetReset(String group, String topic, OffsetResetSpec spec, AdminProgress progress) {
        InvalidArgumentException.checkGroup(group);
        TopicRouteData route = route(topic);
        return new OffsetResetPlan(group, topic, onlineMembers(group), resets.plan(group, topic, route, spec, progress),
                false);
    }

    /**
     * Plans and commits a reset of {@code group}'s offsets on {@code topic}.
     *
     * @param force commit even while members of the group are online (they may commit their own offsets over it)
     * @throws GroupOnlineException when members are online and {@code force} is false; nothing was changed
     */
    public OffsetResetPlan resetOffsets(String group, String topic, OffsetResetSpec spec, boolean force) {
        return resetOffsets(group, topic, spec, force, AdminProgress.NONE);
    }

    /** {@link #resetOffsets(String, String, OffsetResetSpec, boolean)}, telling {@code progress} after each queue. */
    public OffsetResetPlan resetOffsets(String group, String topic, OffsetResetSpec spec, boolean force,
                                        AdminProgress progress) {
        OffsetResetPlan plan = planOffsetReset(group, topic, spec, progress);
        if (!plan.onlineMembers().isEmpty() && !force) {
            throw new GroupOnlineException(group, "resetting its offsets", plan.onlineMembers());
        }
        resets.apply(group, topic, plan.rows(), progress);
        return plan.asExecuted();
    }

    /**
     * Copies every committed offset of {@code from} to {@code to} (on every broker that knows {@code from}), so
     * {@code to} starts where {@code from} is. Returns the positions copied, by broker address.
     *
     * @throws UnknownGroupException when no broker knows {@code from}
     * @throws GroupOnlineException  when {@code to} has members online and {@code force} is false
     */
    public Map<String, List<QueueLag>> cloneOffsets(String from, String to, boolean force) {
        InvalidArgumentException.checkGroup(from);
        InvalidArgumentException.checkGroup(to);
        if (from.equals(to)) {
            throw new InvalidArgumentException("the source and target group are both " + from + "; name two groups");
        }
        List<String> online = onlineMembers(to);
        if (!online.isEmpty() && !force) {
            throw new GroupOnlineException(to, "copying offsets into it", online);
        }
        Map<String, List<QueueLag>> copied = new LinkedHashMap<>();
        Map<String, List<OffsetResets.QueuePosition>> writes = new LinkedHashMap<>();
        describeByAddress(from, AdminTarget.all()).forEach((addr, d) -> {
            List<QueueLag> committed = d.queues().stream().filter(q -> q.consumerOffset() >= 0).toList();
            if (!committed.isEmpty()) {
                copied.put(addr, committed);
                writes.put(addr, committed.stream()
                        .map(q -> new OffsetResets.QueuePosition(q.topic(), q.queueId(), q.consumerOffset())).toList());
            }
        });
        if (copied.isEmpty()) {
            throw new UnknownGroupException(from);
        }
        resets.commitAll(to, writes);
        return copied;
    }

    /**
     * DELETE_CONSUMER_GROUP on every master of the target: forgets the group's committed offsets (its retry
     * topic goes with them once empty). Returns the addresses it was deleted on.
     *
     * @throws GroupOnlineException  when members are online and {@code force} is false; nothing was deleted
     * @throws UnknownGroupException when no broker of the target knows the group
     */
    public List<String> deleteGroup(String group, AdminTarget target, boolean force) {
        InvalidArgumentException.checkGroup(group);
        List<String> online = onlineMembers(group);
        if (!online.isEmpty() && !force) {
            throw new GroupOnlineException(group, "deleting it", online);
        }
        String what = "deletion of consumer group " + group + " (DELETE_CONSUMER_GROUP)";
        List<String> deleted = remoting.deleteGroup(what, writeTargets(target), group, force);
        if (deleted.isEmpty()) {
            throw new UnknownGroupException(group);
        }
        return deleted;
    }

    /** The group's members connected to any broker, sorted; empty when no broker knows the group. */
    public List<String> onlineMembers(String group) {
        try {
            return describeGroup(group, AdminTarget.all()).members();
        } catch (UnknownGroupException e) {
            return List.of();
        }
    }

    private Map<String, GroupDescription> describeByAddress(String group, AdminTarget target) {
        String what = "description of consumer group " + group + " (DESCRIBE_CONSUMER_GROUP)";
        Map<String, GroupDescription> out = new LinkedHashMap<>();
        remoting.describeGroup(what, readTargets(target), group).forEach((addr, d) -> out.put(addr, normalized(d)));
        return out;
    }

    private static GroupDescription normalized(GroupDescription d) {
        return new GroupDescription(d.group(), d.brokerName(), d.messageModel(),
                d.members() == null ? List.of() : d.members(),
                d.subscriptions() == null ? Set.of() : d.subscriptions(),
                d.queues() == null ? List.of() : d.queues(), d.totalLag(), d.config());
    }

    // ---- messages

    /** The most messages {@link #listMessages} returns per queue (the broker's own bound per request). */
    public static final int MAX_MESSAGES_PER_QUEUE = 256;

    /**
     * QUERY_QUEUE_MESSAGES on one queue: up to {@code maxNum} messages (capped at {@value #MAX_MESSAGES_PER_QUEUE})
     * from {@code offset}, read without being delivered or committed.
     *
     * @param brokerName the broker group holding the queue (from the topic's route)
     * @throws TopicNotFoundException when no NameServer knows the topic, or the broker does not serve it
     */
    public QueueMessages queueMessages(String topic, String brokerName, int queueId, long offset, int maxNum) {
        TopicRouteData route = route(topic);
        BrokerData b = route.brokerDatas().stream().filter(d -> d.brokerName().equals(brokerName)).findFirst()
                .orElseThrow(() -> new TopicNotFoundException(topic, "broker " + brokerName + " (the topic is on "
                        + route.brokerDatas().stream().map(BrokerData::brokerName).toList() + ")"));
        return readQueue(BrokerTargets.readAddress(b), brokerName, topic, queueId, offset, maxNum, 0);
    }

    /**
     * QUERY_QUEUE_MESSAGES on one queue, up to the end of a time range: up to {@code maxNum} messages from
     * {@code offset} on, stopping at the first message stored after {@code toMs}. This continues a
     * {@link #listMessagesByTime} that stopped early on that queue, from its {@link QueueMessages#nextOffset()}.
     *
     * @throws TopicNotFoundException when no NameServer knows the topic, or the broker does not serve it
     */
    public QueueMessages queueMessagesUntil(String topic, String brokerName, int queueId, long offset, int maxNum,
                                            long toMs) {
        TopicRouteData route = route(topic);
        BrokerData b = route.brokerDatas().stream().filter(d -> d.brokerName().equals(brokerName)).findFirst()
                .orElseThrow(() -> new TopicNotFoundException(topic, "broker " + brokerName + " (the topic is on "
                        + route.brokerDatas().stream().map(BrokerData::brokerName).toList() + ")"));
        return readQueue(BrokerTargets.readAddress(b), brokerName, topic, queueId, offset, maxNum, Math.max(1, toMs));
    }

    /**
     * The messages of every queue of {@code topic} stored in [{@code fromMs}, {@code toMs}], found through each
     * ConsumeQueue's time index, at most {@code maxPerQueue} per queue. The listing says plainly when the bound
     * cut it ({@link MessageListing#complete()} false).
     */
    public MessageListing listMessagesByTime(String topic, long fromMs, long toMs, int maxPerQueue) {
        return listMessagesByTime(topic, fromMs, toMs, maxPerQueue, AdminProgress.NONE);
    }

    /** {@link #listMessagesByTime(String, long, long, int)}, telling {@code progress} after each queue. */
    public MessageListing listMessagesByTime(String topic, long fromMs, long toMs, int maxPerQueue,
                                             AdminProgress progress) {
        if (toMs < fromMs) {
            throw new InvalidArgumentException("the end of the time range (" + toMs + ") is before its start (" + fromMs + ")");
        }
        TopicRouteData route = route(topic);
        List<QueueMessages> out = new ArrayList<>();
        boolean complete = true;
        List<QueueData> queues = new ArrayList<>(route.queueDatas());
        queues.sort(Comparator.comparing(QueueData::brokerName));
        int total = queues.stream().mapToInt(QueueData::readQueueNums).sum();
        int done = 0;
        for (QueueData q : queues) {
            BrokerData b = route.brokerDatas().stream().filter(d -> d.brokerName().equals(q.brokerName())).findFirst()
                    .orElse(null);
            String addr = b == null ? null : BrokerTargets.readAddress(b);
            if (addr == null) {
                complete = false;
                done += q.readQueueNums();
                continue;
            }
            for (int queueId = 0; queueId < q.readQueueNums(); queueId++) {
                String what = "time search on " + topic + "#" + queueId + " (SEARCH_OFFSET_BY_TIMESTAMP)";
                long start = remoting.searchOffset(what, addr, topic, queueId, fromMs);
                QueueMessages read = readQueue(addr, q.brokerName(), topic, queueId, start, maxPerQueue,
                        Math.max(1, toMs));
                out.add(read);
                complete &= read.complete();
                progress.step("listing", ++done, total, q.brokerName() + ":" + queueId);
            }
        }
        return new MessageListing(out, complete);
    }

    private QueueMessages readQueue(String addr, String brokerName, String topic, int queueId, long offset, int maxNum,
                                    long endTimestampMs) {
        if (offset < 0) {
            throw new InvalidArgumentException("the offset to read from must be >= 0, was " + offset);
        }
        int max = Math.max(1, Math.min(maxNum, MAX_MESSAGES_PER_QUEUE));
        String what = "read of " + topic + "#" + queueId + " (QUERY_QUEUE_MESSAGES)";
        AdminApi.QueueRead read = remoting.readQueue(what, addr, topic, queueId, offset, max, endTimestampMs);
        var h = read.header();
        return new QueueMessages(brokerName, topic, queueId, offset, h.nextOffset(), h.minOffset(), h.maxOffset(),
                h.complete(), read.messages());
    }

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
            throw new InvalidArgumentException("give a non-empty key to look messages up by");
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
        return deadLetters.resendAll(group, AdminProgress.NONE);
    }

    /** {@link #resendAllDeadLetters(String)}, telling {@code progress} after each broker. */
    public long resendAllDeadLetters(String group, AdminProgress progress) {
        return deadLetters.resendAll(group, progress);
    }

    // ---- messages held back

    /**
     * GET_WAITING_MESSAGES on every master of the target (readers too, with one broker's address): the delayed
     * messages waiting in each broker's timer, per topic, and the half messages waiting for a decision, each from
     * a bounded scan that says when it stopped early. Keyed by address.
     */
    public Map<String, io.tidemq.common.protocol.body.WaitingMessages> waitingMessages(AdminTarget target) {
        return remoting.waitingMessages("waiting messages (GET_WAITING_MESSAGES)", readTargets(target));
    }

    // ---- figures per interval

    /**
     * GET_DELIVERY_LATENCY on every master of the target (readers too, with one broker's address), one after the
     * other: each consumer group's delivery latency (store → delivery) p50, p99 and max per broker interval
     * ({@code statsIntervalMs}), as the broker measured it, for the intervals that ended after
     * {@code afterMs.applyAsLong(address)} on that broker's clock (0: every interval it keeps, the last 6 per group).
     * Keyed by address.
     *
     * @throws BrokerUnavailableException for the first broker that did not answer
     */
    public Map<String, io.tidemq.common.protocol.body.DeliveryLatency> deliveryLatency(
            AdminTarget target, java.util.function.ToLongFunction<String> afterMs) {
        Map<String, io.tidemq.common.protocol.body.DeliveryLatency> out = new java.util.LinkedHashMap<>();
        for (String addr : readTargets(target)) {
            out.put(addr, remoting.deliveryLatency("delivery latency (GET_DELIVERY_LATENCY)", addr,
                    afterMs.applyAsLong(addr)));
        }
        return out;
    }

    /**
     * GET_TOPIC_RATES on every master of the target: the topic's messages in and out per second per interval, the
     * broker's last samples, oldest first. Keyed by address; brokers that do not host the topic are left out.
     *
     * @throws InvalidArgumentException when {@code topic} is not a valid topic name
     */
    public Map<String, io.tidemq.common.protocol.body.TopicRates> topicRates(AdminTarget target, String topic) {
        InvalidArgumentException.checkTopic(topic);
        return remoting.topicRates("rates of topic " + topic + " (GET_TOPIC_RATES)", readTargets(target), topic);
    }

    // ---- configuration

    /**
     * GET_BROKER_CONFIG on every master of the target (readers too, with one broker's address): each broker's keys
     * with the values it runs with and whether {@link #updateBrokerConfig} can change them. Keyed by address.
     */
    public Map<String, ConfigSnapshot> brokerConfig(AdminTarget target) {
        return remoting.brokerConfigs("configuration query (GET_BROKER_CONFIG)", readTargets(target));
    }

    /**
     * UPDATE_BROKER_CONFIG on every master of the target: each broker applies all of {@code updates} (key → value
     * text) or none. Only the keys a snapshot marks {@code dynamic} change on a running broker; any other key is
     * refused (it takes effect at a restart, from the properties file). A change lasts until the broker stops.
     *
     * @return the configuration of each broker after the change, keyed by address
     * @throws io.tidemq.client.RequestFailedException (INVALID_PARAMETER) naming an unknown key, an invalid value
     *                                                 or a key that needs a restart
     */
    public Map<String, ConfigSnapshot> updateBrokerConfig(AdminTarget target, Map<String, String> updates) {
        return remoting.updateBrokerConfigs("configuration update (UPDATE_BROKER_CONFIG)", writeTargets(target),
                updates);
    }

    /** GET_NAMESRV_CONFIG on every NameServer this client was given, keyed by address. */
    public Map<String, ConfigSnapshot> namesrvConfig() {
        Map<String, ConfigSnapshot> configs = new LinkedHashMap<>();
        for (String addr : remoting.namesrvAddrs()) {
            configs.put(addr, remoting.namesrvConfigAt("configuration query (GET_NAMESRV_CONFIG)", addr, null));
        }
        return configs;
    }

    /**
     * UPDATE_NAMESRV_CONFIG on every NameServer this client was given. A running NameServer changes no key (every
     * one is read at start), so this names the keys and says to restart.
     *
     * @throws io.tidemq.client.RequestFailedException (INVALID_PARAMETER) always, from the first NameServer
     */
    public Map<String, ConfigSnapshot> updateNamesrvConfig(Map<String, String> updates) {
        Map<String, ConfigSnapshot> configs = new LinkedHashMap<>();
        for (String addr : remoting.namesrvAddrs()) {
            configs.put(addr, remoting.namesrvConfigAt("configuration update (UPDATE_NAMESRV_CONFIG)", addr,
                    java.util.Objects.requireNonNull(updates, "updates")));
        }
        return configs;
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
        remoting.close();
    }
}
