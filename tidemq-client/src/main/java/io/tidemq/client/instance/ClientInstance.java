package io.tidemq.client.instance;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.remoting.ClientRemotingApi;
import io.tidemq.client.route.RouteTable;
import io.tidemq.client.route.TopicPublishInfo;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the producers and consumers of one process share per ({@code namesrvAddrs}, {@code instanceName}):
 * one request layer ({@link ClientRemotingApi}, one connection per server), the routes ({@link RouteService},
 * refreshed every {@code routeRefreshIntervalMs} and on demand), heartbeats to every broker of the routes in
 * use ({@link Heartbeats}), the rebalances ({@link RebalanceScheduler}), and a scheduler for delayed pulls and
 * redeliveries. Get one with {@link #acquire}, give it back with {@link #release}; the last release shuts it
 * down. This class is the registry and the composition: it owns the threads and the groups running here, and
 * hands each concern to its class.
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
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledThreadPoolExecutor rebalancer;
    private final ScheduledThreadPoolExecutor delay;
    /** Producer groups running here; concurrent set. */
    private final Set<String> producerGroups = ConcurrentHashMap.newKeySet();
    /** Consumers by group; concurrent map. */
    private final Map<String, ConsumerMember> consumers = new ConcurrentHashMap<>();
    private final Heartbeats heartbeats;
    private final RouteService routes;
    private final RebalanceScheduler rebalances;
    /** Set once by {@link #heartbeatAllBrokers()}; read by the timer thread. */
    private volatile boolean pinAllBrokers;
    /** Guarded by {@code ClientInstance.class}. */
    private int references;

    private ClientInstance(String key, ClientConfig config) {
        this.key = key;
        this.config = config;
        this.clientId = config.clientIp() + "@" + ProcessHandle.current().pid() + "@" + config.instanceName();
        this.api = ClientRemotingApi.create(config.requestTimeoutMs(), 0);
        RouteTable table = new RouteTable();
        this.heartbeats = new Heartbeats(api, table, clientId, this::heartbeatData);
        this.routes = new RouteService(api, config, table, heartbeats::sendToNewBrokers);
        String prefix = "tidemq-client-" + config.instanceName();
        this.timer = executor(prefix + "-timer");
        this.rebalancer = executor(prefix + "-rebalance");
        this.delay = executor(prefix + "-delay");
        this.rebalances = new RebalanceScheduler(rebalancer, consumers::values, consumers::get);
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
        rebalances.start(config.rebalanceIntervalMs());
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
        return routes.routes();
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

    // ---- routes (RouteService)

    /**
     * Fetches the route of {@code topic} from the NameServers (starting with the next one in turn, trying
     * the others on failure) and stores it.
     *
     * @throws TopicNotFoundException when a NameServer answers that the topic does not exist
     * @throws NameServerUnavailableException when no NameServer answered
     */
    public TopicRouteData fetchRoute(String topic) {
        return routes.fetchRoute(topic);
    }

    /** The publish info of {@code topic}, fetching its route when it is not cached yet. */
    public TopicPublishInfo publishInfo(String topic) {
        return routes.publishInfo(topic);
    }

    /**
     * Fetches the route of {@code topic} now, on the calling thread (a broker answered NOT_MASTER: its group has
     * a new master the NameServers learn from its registration). A failure is logged; the cached route stays.
     */
    public void refreshRoute(String topic) {
        try {
            routes.fetchRoute(topic);
        } catch (RuntimeException e) {
            LOG.debug("route refresh of {} failed: {}", topic, e.toString());
        }
    }

    /** Least time between two route refreshes of one topic forced by failed sends. */
    static final long FORCED_REFRESH_MIN_INTERVAL_MS = 500;
    /** Per topic, the nanoTime of the last refresh forced by a failed send; any thread (compute is atomic). */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> forcedRefreshNanos =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A send to {@code topic} got no answer (refused connection, timeout): its broker may have died and its group
     * elected another master, so the route is refreshed on the timer thread now rather than at the next
     * {@code routeRefreshIntervalMs}; at most once per {@value #FORCED_REFRESH_MIN_INTERVAL_MS} ms per topic.
     */
    public void refreshRouteSoon(String topic) {
        long now = System.nanoTime();
        boolean[] due = new boolean[1];
        forcedRefreshNanos.compute(topic, (t, last) -> {
            if (last == null || now - last >= TimeUnit.MILLISECONDS.toNanos(FORCED_REFRESH_MIN_INTERVAL_MS)) {
                due[0] = true;
                return now;
            }
            return last;
        });
        if (due[0]) {
            refreshRouteAsync(topic);
        }
    }

    /** Refreshes the route of {@code topic} on the timer thread (safe to call from any thread). */
    public void refreshRouteAsync(String topic) {
        try {
            timer.execute(NamedThreadFactory.logging("route refresh of " + topic, () -> routes.fetchRoute(topic)));
        } catch (RejectedExecutionException e) {
            LOG.debug("route refresh of {} skipped: shutting down", topic);
        }
    }

    /** The readable queues of {@code topic}, sorted; fetches the route when it is not cached. */
    public List<MessageQueue> readableQueues(String topic) {
        return routes.readableQueues(topic);
    }

    /** The address a request about queues of {@code brokerName} goes to, or {@code null} when unknown. */
    public String brokerAddress(String brokerName) {
        return routes.brokerAddress(brokerName);
    }

    /**
     * The address consumers read queues of {@code brokerName} from (pulls, offset commits and queries): the
     * master, or its lowest-id slave while the master does not answer ({@link io.tidemq.client.route.SlaveReads});
     * {@code null} when unknown.
     */
    public String readAddress(String brokerName) {
        return routes.readAddress(brokerName);
    }

    /**
     * A read from {@code addr} of {@code brokerName} got no answer (refused, closed, timed out).
     *
     * @return whether the next read goes to another replica (the master failed and the group has a slave)
     */
    public boolean readFailed(String brokerName, String addr) {
        return routes.readFailed(brokerName, addr);
    }

    /** The members of {@code group} as a broker of {@code topic} knows them (the first that answers). */
    public List<String> consumerIds(String group, String topic) {
        return routes.consumerIds(group, topic);
    }

    private void refreshRoutes() {
        if (pinAllBrokers) {
            heartbeats.pinClusterBrokers(config.namesrvAddressList());
        }
        routes.refreshAll(subscribedTopics());
    }

    /**
     * Looks up the subscribed topics no route is held for (once each), and rebalances the groups subscribing to
     * those that exist now. Runs on the timer thread.
     */
    private void checkMissingTopics() {
        Set<String> found = routes.fetchMissing(subscribedTopics());
        if (found.isEmpty()) {
            return;
        }
        for (ConsumerMember c : consumers.values()) {
            if (!Collections.disjoint(c.topics(), found)) {
                triggerRebalance(c.group());
            }
        }
    }

    private Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        consumers.values().forEach(c -> topics.addAll(c.topics()));
        return topics;
    }

    // ---- heartbeats (Heartbeats) and rebalancing (RebalanceScheduler)

    /**
     * Heartbeats every broker of every cluster the NameServers know, now and on each route refresh, so the
     * brokers count this client as a member of its groups before it has used any topic. A transaction
     * producer needs that: a broker checks undecided transactions back with any live producer of the group,
     * including one that restarted and has not sent yet.
     */
    public void heartbeatAllBrokers() {
        pinAllBrokers = true;
        heartbeats.pinClusterBrokers(config.namesrvAddressList());
        sendHeartbeatsAndWait();
    }

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
     * coalesced: while a rebalance of the group is queued and not started, another trigger adds nothing.
     */
    public void triggerRebalance(String group) {
        rebalances.trigger(group);
    }
}
