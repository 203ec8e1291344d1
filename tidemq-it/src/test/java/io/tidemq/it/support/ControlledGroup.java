package io.tidemq.it.support;

import io.tidemq.broker.ha.AcceptingWritesLog;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.QueueMessages;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.GroupState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One broker group following a controller quorum, in real JVMs on loopback ports chosen at run time: three
 * controller peers (alone as {@code tidemq controller}, or embedded in NameServers with {@code --controller-config}),
 * the group's replicas with {@code controllerAddresses}, the waits every HA test starts with (a master, N replicas in
 * sync, the master registered, a topic routed) and the audits they end with: one replica per (group, epoch) in the
 * replicas' {@code ha/accepting-writes.log}, accepting intervals of different epochs never overlapping, no two
 * records at one (queue, queue offset). Every child JVM logs to {@code target/it-logs/<TestClass>/} so a failed run
 * can be diagnosed. Owned by the test thread except {@link #state()}, which any thread may call.
 */
public final class ControlledGroup implements AutoCloseable {

    public static final String CONTROLLER_READY_PREFIX = "TideMQ controller ready: ";
    private static final int PEERS = 3;

    private final Path dir;
    private final String group;
    private final long masterLeaseMs;
    private final Duration wait;
    private final Path logDir;
    private final Cluster cluster;
    /** Standalone controller peers (empty when they are embedded in the NameServers); test thread only. */
    private final List<ServerNode> controllers = new ArrayList<>();
    /** Written once by the test thread while starting the quorum, read by any thread in {@link #state()}. */
    private final List<String> controllerAddresses = new CopyOnWriteArrayList<>();
    /** Replica id to its node and store; test thread only. */
    private final Map<Integer, ServerNode> replicas = new LinkedHashMap<>();
    private final Map<Integer, Path> stores = new HashMap<>();
    /** Replica id to the nanoTime at which each of its kills had left it dead; test thread only. */
    private final Map<Integer, List<Long>> deaths = new HashMap<>();
    private final long createdNanos = System.nanoTime();
    private final ControllerServiceClient controllerClient = new ControllerServiceClient(5_000);
    private AdminClient admin;

    /**
     * @param testClass     names the log directory
     * @param dir           the test's temporary directory (stores, configuration files)
     * @param clusterName   the brokers' cluster
     * @param group         the broker group (brokerName) every replica shares
     * @param masterLeaseMs the controller's master lease
     * @param wait          how long each wait of this class may take
     */
    public ControlledGroup(Class<?> testClass, Path dir, String clusterName, String group, long masterLeaseMs,
                           Duration wait) {
        this.dir = dir;
        this.group = group;
        this.masterLeaseMs = masterLeaseMs;
        this.wait = wait;
        this.logDir = ItLogs.forClass(testClass);
        this.cluster = new Cluster(clusterName, dir.resolve("cluster"), logDir);
    }

    /** Three {@code tidemq controller} peers and one plain NameServer; returns once every peer is ready. */
    public ControlledGroup startStandaloneControllers() {
        List<Path> configs = controllerConfigs();
        for (int i = 0; i < PEERS; i++) {
            int peer = i;
            controllers.add(new ServerNode("controller-c" + i, logDir, List.of("controller", "--config",
                    configs.get(i).toString()), l -> l.startsWith(CONTROLLER_READY_PREFIX + "c" + peer)));
        }
        cluster.addNamesrv("namesrv-1", Map.of());
        // the peers start one after the other: each waits for its ready line, which needs no quorum
        controllers.forEach(ServerNode::start);
        cluster.startAll();
        return this;
    }

    /** Three NameServers each embedding a controller peer; returns once every NameServer is ready. */
    public ControlledGroup startNamesrvsWithControllers() {
        List<Path> configs = controllerConfigs();
        for (int i = 0; i < PEERS; i++) {
            cluster.addNamesrv("namesrv-" + i, Map.of(), List.of("--controller-config", configs.get(i).toString()));
        }
        cluster.startAll();
        return this;
    }

    private List<Path> controllerConfigs() {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < PEERS; i++) {
            peers.append(i == 0 ? "" : ",").append("c").append(i).append("@127.0.0.1:").append(FreePorts.next());
        }
        List<Path> configs = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < PEERS; i++) {
                int port = FreePorts.next();
                controllerAddresses.add("127.0.0.1:" + port);
                Path config = dir.resolve("c" + i + ".properties");
                Files.writeString(config, String.join("\n", "controllerId=c" + i, "controllerPeers=" + peers,
                        "controllerListenPort=" + port, "bindAddress=127.0.0.1",
                        "controllerStorePath=" + dir.resolve("controller"), "masterLeaseMs=" + masterLeaseMs) + "\n");
                configs.add(config);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the controller peers' configuration under " + dir, e);
        }
        return configs;
    }

    /**
     * Adds (does not start) replica {@code id} of the group: SYNC, {@code minInSyncReplicas=1}, 300 ms controller
     * heartbeats, {@code replicaLagMaxMs=1000}, {@code replicaAckTimeoutMs=2000}, {@code registerIntervalMs=1000},
     * every controller peer; {@code keys} override any of these (e.g. {@code controllerAddresses} through proxies).
     */
    public ServerNode addReplica(int id, Map<String, String> keys) {
        return addReplica(id, keys, ServerNode.SERVER_JVM_ARGS);
    }

    /** {@link #addReplica(int, Map)} with the replica's JVM options. */
    public ServerNode addReplica(int id, Map<String, String> keys, List<String> jvmArgs) {
        String name = "replica-" + id;
        Map<String, String> all = new HashMap<>(Map.of("brokerName", group, "brokerId", Integer.toString(id),
                "haListenPort", Integer.toString(FreePorts.next()),
                "controllerAddresses", String.join(";", controllerAddresses), "controllerHeartbeatIntervalMs", "300",
                "replicationMode", "SYNC", "minInSyncReplicas", "1", "replicaLagMaxMs", "1000",
                "replicaAckTimeoutMs", "2000", "registerIntervalMs", "1000"));
        all.putAll(keys);
        ServerNode node = cluster.addBroker(name, all, jvmArgs);
        replicas.put(id, node);
        stores.put(id, dir.resolve("cluster").resolve(name));
        return node;
    }

    /** Starts every replica not running. */
    public ControlledGroup startReplicas() {
        cluster.startAll();
        return this;
    }

    public ServerNode replica(int id) {
        return replicas.get(id);
    }

    public Path store(int id) {
        return stores.get(id);
    }

    public List<String> controllerAddresses() {
        return List.copyOf(controllerAddresses);
    }

    public String namesrvAddrs() {
        return cluster.namesrvAddrs();
    }

    public String group() {
        return group;
    }

    /**
     * {@code kill -9} of a replica; returns the nanoTime at which it was dead (a send started later cannot be
     * acknowledged by it), remembered for {@link #auditAcceptingWrites(int)}.
     */
    public long kill9(int id) {
        replicas.get(id).kill9(); // returns once the process is gone
        long deadAt = System.nanoTime();
        deaths.computeIfAbsent(id, k -> new ArrayList<>()).add(deadAt);
        return deadAt;
    }

    /** The group's state from the controller peers that answer (the newest of their answers). Any thread. */
    public GroupState state() {
        GroupState best = null;
        for (String addr : controllerAddresses) {
            try {
                GroupState g = controllerClient.state(addr).state().group(group);
                if (g != null && (best == null || g.masterEpoch() > best.masterEpoch()
                        || g.masterEpoch() == best.masterEpoch() && g.isrEpoch() > best.isrEpoch())) {
                    best = g;
                }
            } catch (Exception e) {
                // a peer not answering: the others do
            }
        }
        if (best == null) {
            throw new IllegalStateException("no controller peer knows group " + group + " yet");
        }
        return best;
    }

    /** Waits until the controller's state of the group matches. */
    public GroupState await(String what, Predicate<GroupState> condition) {
        return org.awaitility.Awaitility.await(what).atMost(wait).ignoreExceptions().until(this::state, condition);
    }

    /** Waits for a master with {@code inSync} replicas in its in-sync set. */
    public GroupState awaitMasterWithInSync(String what, int inSync) {
        return await(what, g -> g.hasMaster() && g.isr().size() == inSync);
    }

    /** Waits for a master other than {@code before}'s in a later epoch. */
    public GroupState awaitNewMaster(String what, GroupState before) {
        return await(what, g -> g.hasMaster() && g.masterId() != before.masterId()
                && g.masterEpoch() > before.masterEpoch());
    }

    /** An admin client on the NameServers, closed with this group. */
    public AdminClient admin() {
        if (admin == null) {
            admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000);
        }
        return admin;
    }

    /** Waits until the group's master registered as master, then creates {@code topic} and waits for its route. */
    public void createTopic(String topic, int queues, String clusterName) {
        AdminClient a = admin();
        org.awaitility.Awaitility.await("the master of " + group + " registers as master").atMost(wait)
                .ignoreExceptions().until(() -> a.brokers().stream()
                        .anyMatch(b -> b.isMaster() && b.brokerName().equals(group)));
        a.createTopic(TopicConfig.of(topic, queues), AdminTarget.cluster(clusterName));
        a.awaitRoute(topic, 30_000);
    }

    /** The first start-of-accepting event of {@code epoch} in replica {@code id}'s log, as its nanoTime, or 0. */
    public long acceptingSince(int id, int epoch) {
        return acceptingWrites(id).stream().filter(e -> e.start() && e.epoch() == epoch)
                .mapToLong(AcceptingWritesLog.Event::monotonicNanos).findFirst().orElse(0L);
    }

    /** Replica {@code id}'s {@code ha/accepting-writes.log}. */
    public List<AcceptingWritesLog.Event> acceptingWrites(int id) {
        Path file = stores.get(id).resolve("ha").resolve(AcceptingWritesLog.FILE_NAME);
        try {
            return AcceptingWritesLog.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Never two masters, from every replica's {@code ha/accepting-writes.log}: each stamp lies on this JVM's
     * {@code System.nanoTime()} line (CLOCK_MONOTONIC, shared on one machine), one replica per epoch, and the
     * intervals in which replicas accepted writes in different epochs never overlap (an interval without a stop ends
     * when {@link #kill9(int)} left the replica dead, or now). Returns the number of epochs with a master.
     */
    public int auditAcceptingWrites(int minEpochs) {
        long nowNanos = System.nanoTime();
        List<long[]> intervals = new ArrayList<>(); // {epoch, replica, start, end}
        Map<Integer, Set<Integer>> replicasOfEpoch = new HashMap<>();
        for (int id : replicas.keySet()) {
            List<AcceptingWritesLog.Event> events = acceptingWrites(id);
            for (int i = 0; i < events.size(); i++) {
                AcceptingWritesLog.Event e = events.get(i);
                assertThat(e.monotonicNanos()).as("a common monotonic clock: %s lies on this JVM's nanoTime line", e)
                        .isBetween(createdNanos, nowNanos);
                assertThat(e.group()).isEqualTo(group);
                if (!e.start()) {
                    continue;
                }
                replicasOfEpoch.computeIfAbsent(e.epoch(), k -> new HashSet<>()).add(e.replicaId());
                long end = nowNanos;
                if (i + 1 < events.size() && !events.get(i + 1).start() && events.get(i + 1).epoch() == e.epoch()) {
                    end = events.get(i + 1).monotonicNanos();
                } else {
                    for (long death : deaths.getOrDefault(id, List.of())) {
                        if (death > e.monotonicNanos()) {
                            end = Math.min(end, death);
                        }
                    }
                }
                intervals.add(new long[] {e.epoch(), e.replicaId(), e.monotonicNanos(), end});
            }
        }
        assertThat(replicasOfEpoch).as("epochs with a master").hasSizeGreaterThanOrEqualTo(minEpochs);
        replicasOfEpoch.forEach((epoch, ids) -> assertThat(ids).as("replicas accepting writes in epoch %d", epoch)
                .hasSize(1));
        intervals.sort((x, y) -> Long.compare(x[2], y[2]));
        long smallestGap = Long.MAX_VALUE;
        String smallestAt = "-";
        for (int i = 1; i < intervals.size(); i++) {
            long[] prev = intervals.get(i - 1);
            long[] next = intervals.get(i);
            assertThat(prev[3]).as("replica %d stopped accepting writes of epoch %d before replica %d started in"
                    + " epoch %d", prev[1], prev[0], next[1], next[0]).isLessThanOrEqualTo(next[2]);
            if (next[2] - prev[3] < smallestGap) {
                smallestGap = next[2] - prev[3];
                smallestAt = "epoch " + prev[0] + " (replica " + prev[1] + ") to epoch " + next[0] + " (replica "
                        + next[1] + ")";
            }
        }
        System.out.printf("accepting-writes audit of %s: %d epochs with a master, one replica each, %d intervals,"
                        + " none overlapping; smallest hand-over gap %.1f ms, %s%n", group, replicasOfEpoch.size(),
                intervals.size(), smallestGap == Long.MAX_VALUE ? Double.NaN : smallestGap / 1e6, smallestAt);
        return replicasOfEpoch.size();
    }

    /** {@code queueId << 48 | queueOffset}: a record's place in {@link #readTopic(String, int)}. */
    public static long key(int queueId, long queueOffset) {
        return ((long) queueId << 48) | queueOffset;
    }

    /**
     * Every record of {@code topic} on the group's current master, by {@link #key(int, long)}; fails when two
     * records share a (queue, queue offset).
     */
    public Map<Long, String> readTopic(String topic, int queues) {
        Map<Long, String> log = new HashMap<>();
        for (int q = 0; q < queues; q++) {
            long offset = 0;
            while (true) {
                QueueMessages page = admin().queueMessages(topic, group, q, offset, 256);
                for (MessageExt m : page.messages()) {
                    String previous = log.put(key(q, m.queueOffset()), new String(m.body(), StandardCharsets.UTF_8));
                    assertThat(previous).as("two records at queue %d offset %d", q, m.queueOffset()).isNull();
                }
                if (page.messages().isEmpty() || page.nextOffset() >= page.maxOffset()) {
                    break;
                }
                offset = page.nextOffset();
            }
        }
        return log;
    }

    /** The bodies of {@link #readTopic(String, int)}. */
    public Set<String> readBodies(String topic, int queues) {
        return new HashSet<>(readTopic(topic, queues).values());
    }

    /** Kills every child JVM still running: replicas, NameServers, then controller peers. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        controllerClient.close();
        cluster.close();
        controllers.forEach(ServerNode::close);
    }

    @Override
    public String toString() {
        return group + ": " + cluster + " / controllers " + controllers;
    }
}
