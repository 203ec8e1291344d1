package io.tidemq.client.instance;

import io.tidemq.client.RemotingFailedException;
import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.remoting.ClientRemotingApi;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.names.NameValidator;
import io.tidemq.client.route.RouteTable;
import io.tidemq.client.route.TopicPublishInfo;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the producers and consumers of one process share per ({@code namesrvAddrs}, {@code instanceName}):
 * one request layer ({@link ClientRemotingApi}, one connection per server), the route cache (refreshed every {@code routeRefreshIntervalMs} and on
 * demand), heartbeats to every broker of the routes in use, the rebalance thread, and a scheduler for
 * delayed pulls and redeliveries. Get one with {@link #acquire}, give it back with {@link #release}; the
 * last release shuts it down.
 *
 * <p>A consumer may subscribe to a topic that does not exist yet: such topics are looked up again every
 * {@value #MISSING_TOPIC_CHECK_MS} ms (one NameServer request per missing topic per period), and the groups
 * subscribing to one that appears are rebalanced at once, so they read it within about a second of its
 * creation instead of at the next {@code rebalanceIntervalMs}.
 *
 * <p>Threads: {@code tidemq-client-<instance>-timer} (route refresh, missing-topic checks, heartbeats, offset commits),
 * {@code -rebalance} (every rebalance, so two never overlap for a group), {@code -delay} (delayed pulls
 * and redeliveries; its tasks only hand work on), plus the transport's I/O threads.
 */
public final class ClientInstance {

    private static final Logger LOG = LoggerFactory.getLogger(ClientInstance.class);

    /** Period of the lookups of subscribed topics that have no route yet. */
    public static final long MISSING_TOPIC_CHECK_MS = 1_000;

    /** Live instances by key; guarded by {@code ClientInstance.class}. */
    private static final Map<String, ClientInstance> INSTANCES = new HashMap<>();

    private final String key;
    private final ClientConfig config;
    private final String clientId;
    private final ClientRemotingApi api;
    private final RouteTable routes = new RouteTable();
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledThreadPoolExecutor rebalancer;
    private final ScheduledThreadPoolExecutor delay;
    /** Key of "every group" in {@link #rebalancesQueued}; no group name can contain a NUL. */
    private static final String ALL_GROUPS = "\u0000all";
    /** Groups (or {@link #ALL_GROUPS}) with a triggered rebalance queued and not started yet; concurrent set. */
    private final Set<String> rebalancesQueued = ConcurrentHashMap.newKeySet();
    /** Producer groups running here; concurrent set. */
    private final Set<String> producerGroups = ConcurrentHashMap.newKeySet();
    /** Consumers by group; concurrent map. */
    private final Map<String, ConsumerMember> consumers = new ConcurrentHashMap<>();
    private final Heartbeats heartbeats;
    /** Set once by {@link #heartbeatAllBrokers()}; read by the timer thread. */
    private volatile boolean pinAllBrokers;
    private final AtomicInteger namesrvCursor = new AtomicInteger();
    /** Guarded by {@code ClientInstance.class}. */
    private int references;

    private ClientInstance(String key, ClientConfig config) {
        this.key = key;
        this.config = config;
        this.clientId = config.clientIp() + "@" + ProcessHandle.current().pid() + "@" + config.instanceName();
        this.api = ClientRemotingApi.create(config.requestTimeoutMs(), 0);
        this.heartbeats = new Heartbeats(api, routes, clientId, this::heartbeatData);
        String prefix = "tidemq-client-" + config.instanceName();
        this.timer = executor(prefix + "-timer");
        this.rebalancer = executor(prefix + "-rebalance");
        this.delay = executor(prefix + "-delay");
    }

    private static ScheduledThreadPoolExecutor executor(String name) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.pool(name, true));
        e.setRemoveOnCancelPolicy(true);
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return e;
    }

    /** The shared instance for {@code config}'s NameServers and instance name, started on first use. */
    public static ClientInstance acquire(ClientConfig config) {
        String key = config.namesrvAddrs() + "@" + config.instanceName();
        synchronized (ClientInstance.class) {
            ClientInstance instance = INSTANCES.get(key);
            if (instance == null) {
                instance = new ClientInstance(key, config);
                instance.start();
                INSTANCES.put(key, instance);
            }
            instance.references++;
            return instance;
        }
    }

    /** Gives back one {@link #acquire}; the last one shuts the instance down. */
    public void release() {
        synchronized (ClientInstance.class) {
            if (--references > 0) {
                return;
            }
            INSTANCES.remove(key, this);
        }
        shutdown();
    }

    private void start() {
        api.onConsumerIdsChanged((brokerAddr, group) -> {
            LOG.info("broker {} reports a membership change of group {}; rebalancing now", brokerAddr, group);
            triggerRebalance(group);
        }, timer);
        api.start();
        timer.scheduleWithFixedDelay(NamedThreadFactory.logging("route refresh", this::refreshRoutes),
                config.routeRefreshIntervalMs(), config.routeRefreshIntervalMs(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(NamedThreadFactory.logging("missing topic check", this::checkMissingTopics),
                MISSING_TOPIC_CHECK_MS, MISSING_TOPIC_CHECK_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(NamedThreadFactory.logging("heartbeat", this::sendHeartbeats),
                config.heartbeatIntervalMs(), config.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
        rebalancer.scheduleWithFixedDelay(NamedThreadFactory.logging("rebalance", this::rebalanceAll),
                config.rebalanceIntervalMs(), config.rebalanceIntervalMs(), TimeUnit.MILLISECONDS);
        LOG.info("client instance {} started (NameServers {})", clientId, config.namesrvAddrs());
    }

    private void shutdown() {
        timer.shutdown();
        rebalancer.shutdown();
        delay.shutdown();
        try {
            timer.awaitTermination(config.requestTimeoutMs() * 2, TimeUnit.MILLISECONDS);
            rebalancer.awaitTermination(config.requestTimeoutMs() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.unregister(null, null);
        api.shutdown();
        LOG.info("client instance {} shut down", clientId);
    }

    // ---- identity and shared services

    /** {@code ip@pid@instanceName}. */
    public String clientId() {
        return clientId;
    }

    /** The config of the producer or consumer that started this instance. */
    public ClientConfig config() {
        return config;
    }

    public ClientRemotingApi api() {
        return api;
    }

    public RouteTable routes() {
        return routes;
    }

    /** For delayed pulls and redeliveries: tasks must only hand work on, never block. */
    public ScheduledExecutorService delayScheduler() {
        return delay;
    }

    /** Runs {@code task} every {@code periodMs} on the timer thread; cancel the returned future to stop. */
    public ScheduledFuture<?> scheduleAtFixedDelay(String what, Runnable task, long periodMs) {
        return timer.scheduleWithFixedDelay(NamedThreadFactory.logging(what, task), periodMs, periodMs,
                TimeUnit.MILLISECONDS);
    }

    // ---- producers and consumers

    public void registerProducer(String group) {
        if (!producerGroups.add(group)) {
            throw new ClientException("producer group '" + group + "' already runs in client instance " + clientId
                    + "; share that producer (it is thread-safe) or give this one another instanceName");
        }
    }

    public void unregisterProducer(String group) {
        if (producerGroups.remove(group)) {
            heartbeats.unregister(group, null);
        }
    }

    public void registerConsumer(ConsumerMember member) {
        if (consumers.putIfAbsent(member.group(), member) != null) {
            throw new ClientException("consumer group '" + member.group() + "' already runs in client instance "
                    + clientId + "; give the second consumer another instanceName so the group sees two members");
        }
    }

    public void unregisterConsumer(String group) {
        if (consumers.remove(group) != null) {
            heartbeats.unregister(null, group);
        }
    }

    // ---- routes

    /**
     * Fetches the route of {@code topic} from the NameServers (starting with the next one in turn, trying
     * the others on failure) and stores it.
     *
     * @throws TopicNotFoundException when a NameServer answers that the topic does not exist
     * @throws NameServerUnavailableException when no NameServer answered
     */
    public TopicRouteData fetchRoute(String topic) {
        List<String> namesrvs = config.namesrvAddressList();
        int start = namesrvCursor.getAndIncrement();
        RuntimeException last = null;
        for (int i = 0; i < namesrvs.size(); i++) {
            String addr = namesrvs.get(Math.floorMod(start + i, namesrvs.size()));
            try {
                TopicRouteData route = api.getRoute(addr, topic);
                if (routes.update(topic, route)) {
                    LOG.info("route of topic {} is now {}", topic, route);
                }
                heartbeats.sendToNewBrokers(route);
                return route;
            } catch (TopicNotFoundException e) {
                throw new TopicNotFoundException(topic, "NameServers " + config.namesrvAddrs());
            } catch (RuntimeException e) {
                last = e;
                LOG.debug("route lookup of {} at {} failed: {}", topic, addr, e.getMessage());
            }
        }
        if (last == null || last instanceof RemotingFailedException) {
            throw new NameServerUnavailableException("route lookup of topic '" + topic + "'", namesrvs, last);
        }
        throw new ClientException("no NameServer of " + config.namesrvAddrs() + " answered the route lookup of topic '"
                + topic + "': " + last.getMessage(), last);
    }

    /** The publish info of {@code topic}, fetching its route when it is not cached yet. */
    public TopicPublishInfo publishInfo(String topic) {
        TopicPublishInfo info = routes.publishInfo(topic);
        if (info == null) {
            try {
                fetchRoute(topic);
            } catch (TopicNotFoundException unknown) {
                useDefaultRoute(topic, unknown);
            }
            info = routes.publishInfo(topic);
        }
        return info;
    }

    /**
     * Routes an unknown topic to the brokers that create topics on first send (those advertising
     * {@link NameValidator#AUTO_CREATE_TOPIC}); the next route refresh replaces this with the topic's own route.
     *
     * @throws TopicNotFoundException {@code unknown}, when no broker auto-creates topics
     */
    private void useDefaultRoute(String topic, TopicNotFoundException unknown) {
        TopicRouteData defaultRoute;
        try {
            defaultRoute = fetchRoute(NameValidator.AUTO_CREATE_TOPIC);
        } catch (TopicNotFoundException none) {
            throw unknown;
        }
        routes.update(topic, defaultRoute);
        LOG.info("topic {} is not known yet; sending to the brokers that create topics on first send", topic);
    }

    /** Refreshes the route of {@code topic} on the timer thread (safe to call from any thread). */
    public void refreshRouteAsync(String topic) {
        try {
            timer.execute(NamedThreadFactory.logging("route refresh of " + topic, () -> fetchRoute(topic)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("route refresh of {} skipped: shutting down", topic);
        }
    }

    /** The readable queues of {@code topic}, sorted; fetches the route when it is not cached. */
    public List<MessageQueue> readableQueues(String topic) {
        TopicRouteData route = routes.route(topic);
        if (route == null) {
            route = fetchRoute(topic);
        }
        return RouteTable.readableQueues(topic, route);
    }

    /** The address a request about queues of {@code brokerName} goes to, or {@code null} when unknown. */
    public String brokerAddress(String brokerName) {
        return routes.brokerAddress(brokerName);
    }

    /** The members of {@code group} as a broker of {@code topic} knows them (the first that answers). */
    public List<String> consumerIds(String group, String topic) {
        TopicRouteData route = routes.route(topic);
        if (route == null) {
            route = fetchRoute(topic);
        }
        List<BrokerData> brokers = new ArrayList<>(route.brokerDatas());
        brokers.sort(Comparator.comparing(BrokerData::brokerName));
        RuntimeException last = null;
        for (BrokerData bd : brokers) {
            String addr = routes.brokerAddress(bd.brokerName());
            if (addr == null) {
                continue;
            }
            try {
                return api.consumerIds(addr, group);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new ClientException("no broker of topic '" + topic + "' answered the member list of group '" + group
                + "'" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /**
     * Heartbeats every broker of every cluster the NameServers know, now and on each route refresh, so the
     * brokers count this client as a member of its groups before it has used any topic. A transaction
     * producer needs that: a broker checks undecided transactions back with any live producer of the group,
     * including one that restarted and has not sent yet.
     */
    public void heartbeatAllBrokers() {
        pinAllBrokers = true;
        pinClusterBrokers();
        sendHeartbeatsAndWait();
    }

    private void pinClusterBrokers() {
        List<String> namesrvs = config.namesrvAddressList();
        for (String addr : namesrvs) {
            try {
                Set<String> brokers = new HashSet<>();
                api.clusterInfo(addr).brokers().values().forEach(b -> brokers.addAll(b.brokerAddrs().values()));
                heartbeats.pin(brokers);
                return;
            } catch (RuntimeException e) {
                LOG.debug("cluster info from {} failed: {}", addr, e.getMessage());
            }
        }
        LOG.warn("no NameServer of {} answered the cluster info; heartbeats go only to the brokers of used topics",
                config.namesrvAddrs());
    }

    private void refreshRoutes() {
        if (pinAllBrokers) {
            pinClusterBrokers();
        }
        Set<String> topics = routes.topics();
        consumers.values().forEach(c -> topics.addAll(c.topics()));
        for (String topic : topics) {
            try {
                fetchRoute(topic);
            } catch (RuntimeException e) {
                LOG.warn("route refresh of topic {} failed; keeping the cached route: {}", topic, e.getMessage());
            }
        }
    }

    /**
     * Looks up the subscribed topics no route is held for (once each), and rebalances the groups subscribing to
     * those that exist now. Runs on the timer thread.
     */
    private void checkMissingTopics() {
        Set<String> known = routes.topics();
        Set<String> found = new HashSet<>();
        Set<String> missing = new HashSet<>();
        for (ConsumerMember c : consumers.values()) {
            for (String topic : c.topics()) {
                if (known.contains(topic) || found.contains(topic) || missing.contains(topic)) {
                    continue;
                }
                try {
                    fetchRoute(topic);
                    found.add(topic);
                    LOG.info("topic {} exists now; rebalancing the groups that subscribe to it", topic);
                } catch (RuntimeException e) {
                    missing.add(topic);
                    LOG.debug("subscribed topic {} still has no route: {}", topic, e.getMessage());
                }
            }
        }
        if (found.isEmpty()) {
            return;
        }
        for (ConsumerMember c : consumers.values()) {
            if (!Collections.disjoint(c.topics(), found)) {
                triggerRebalance(c.group());
            }
        }
    }

    // ---- heartbeats and rebalancing

    private HeartbeatData heartbeatData() {
        Set<ConsumerData> groups = new HashSet<>();
        consumers.values().forEach(c -> groups.add(c.consumerData()));
        return new HeartbeatData(clientId, Set.copyOf(producerGroups), groups);
    }

    /** Sends a heartbeat to every broker of the cached routes; the future completes when all answered or failed. */
    public CompletableFuture<Void> sendHeartbeats() {
        return heartbeats.sendToAll();
    }

    /** Sends heartbeats now and waits (at most the request timeout) for the answers. */
    public void sendHeartbeatsAndWait() {
        try {
            sendHeartbeats().get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("heartbeat round did not complete: {}", e.toString());
        }
    }

    /**
     * Rebalances {@code group} (every group when {@code null}) on the rebalance thread, soon. Triggers are
     * coalesced: while a rebalance of the group is queued and not started, another trigger adds nothing (the
     * queued one reads the membership when it runs), so a storm of membership changes costs at most the
     * rebalance running plus one more.
     */
    public void triggerRebalance(String group) {
        String key = group == null ? ALL_GROUPS : group;
        if (!rebalancesQueued.add(key)) {
            return;
        }
        try {
            rebalancer.execute(NamedThreadFactory.logging("rebalance", () -> {
                rebalancesQueued.remove(key); // a change from now on queues another round
                if (group == null) {
                    rebalanceAll();
                } else {
                    ConsumerMember m = consumers.get(group);
                    if (m != null) {
                        m.rebalance();
                    }
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            rebalancesQueued.remove(key);
            LOG.debug("rebalance of {} skipped: shutting down", group);
        }
    }

    private void rebalanceAll() {
        for (ConsumerMember m : consumers.values()) {
            try {
                m.rebalance();
            } catch (RuntimeException e) {
                LOG.warn("rebalance of group {} failed: {}", m.group(), e.getMessage(), e);
            }
        }
    }
}
