package io.tidemq.namesrv.route;

import io.tidemq.common.protocol.body.BrokerFigures;
import io.tidemq.common.protocol.body.ClusterStats;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.namesrv.event.RouteTableView;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.remoting.RemotingChannel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The NameServer's route registry: which brokers are alive, which broker groups form which cluster, and
 * which topics each group serves with how many queues.
 *
 * <p>Concurrency: every table below is guarded by one {@link ReentrantReadWriteLock}. Reads far outnumber
 * writes (every client refreshes every topic's route every 30 s; a broker writes once per 30 s), so route
 * lookups share the read lock and run in parallel, while a change takes the write lock briefly and is
 * never seen half-applied. The public methods are reads and return immutable snapshots. The changing
 * methods are package-private and called only by {@link RouteTableEventHandler} on the event bus's single
 * thread, so writers never contend with one another.
 *
 * <p>Invariant kept by every change: a broker group is in the tables only while at least one of its
 * addresses is alive, and a topic only while at least one of its groups is; a topic whose brokers all left
 * is gone (lookups answer TOPIC_NOT_EXIST).
 */
public final class RouteInfoManager implements RouteTableView {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock readLock = lock.readLock();
    private final Lock writeLock = lock.writeLock();

    /** Cluster name → broker names. Guarded by {@link #lock}. */
    private final Map<String, Set<String>> clusterTable = new HashMap<>();
    /** Broker name → its group (cluster and live addresses by broker id). Guarded by {@link #lock}. */
    private final Map<String, BrokerGroup> brokerTable = new HashMap<>();
    /** Topic → broker name → queues; inner maps sorted so routes list brokers in a stable order. Guarded by {@link #lock}. */
    private final Map<String, TreeMap<String, QueueData>> topicTable = new HashMap<>();
    /** Broker address → live info. Guarded by {@link #lock}. */
    private final Map<String, BrokerLiveInfo> liveTable = new HashMap<>();
    /**
     * Broker address → the runtime figures of its last registration that carried any; an entry lives exactly as
     * long as the address's {@link #liveTable} entry. Guarded by {@link #lock}.
     */
    private final Map<String, BrokerFigures> figuresTable = new HashMap<>();

    // ---------------------------------------------------------------- reads

    /** The route of a topic, or empty when no live broker serves it. */
    @Override
    public Optional<TopicRouteData> findTopicRoute(String topic) {
        readLock.lock();
        try {
            TreeMap<String, QueueData> queues = topicTable.get(topic);
            if (queues == null) {
                return Optional.empty();
            }
            List<QueueData> queueDatas = new ArrayList<>(queues.size());
            List<BrokerData> brokerDatas = new ArrayList<>(queues.size());
            for (Map.Entry<String, QueueData> e : queues.entrySet()) {
                BrokerGroup group = brokerTable.get(e.getKey());
                if (group != null && !group.addrs.isEmpty()) {
                    queueDatas.add(e.getValue());
                    brokerDatas.add(group.toBrokerData(e.getKey()));
                }
            }
            if (brokerDatas.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new TopicRouteData(List.copyOf(queueDatas), List.copyOf(brokerDatas)));
        } finally {
            readLock.unlock();
        }
    }

    /** Every cluster, broker group and live address, with each address's last registration or heartbeat. */
    @Override
    public ClusterInfo clusterInfo() {
        readLock.lock();
        try {
            Map<String, BrokerData> brokers = new TreeMap<>();
            brokerTable.forEach((name, group) -> brokers.put(name, group.toBrokerData(name)));
            Map<String, Set<String>> clusters = new TreeMap<>();
            clusterTable.forEach((cluster, names) ->
                    clusters.put(cluster, Collections.unmodifiableSet(new TreeSet<>(names))));
            Map<String, Long> lastHeartbeatMs = new TreeMap<>();
            liveTable.forEach((addr, info) -> lastHeartbeatMs.put(addr, info.lastUpdateMs()));
            return new ClusterInfo(Collections.unmodifiableMap(brokers), Collections.unmodifiableMap(clusters),
                    Collections.unmodifiableMap(lastHeartbeatMs));
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Every live broker process with the figures it reported at its last registration (GET_CLUSTER_STATS),
     * sorted by cluster, broker name and id.
     */
    public ClusterStats clusterStats(long nowMs) {
        readLock.lock();
        try {
            List<ClusterStats.Entry> entries = new ArrayList<>(liveTable.size());
            for (BrokerLiveInfo info : liveTable.values()) {
                BrokerIdentity b = info.broker();
                entries.add(new ClusterStats.Entry(b.clusterName(), b.brokerName(), b.brokerId(), b.brokerAddr(),
                        info.lastUpdateMs(), figuresTable.get(b.brokerAddr())));
            }
            entries.sort(java.util.Comparator.comparing(ClusterStats.Entry::cluster)
                    .thenComparing(ClusterStats.Entry::brokerName).thenComparingLong(ClusterStats.Entry::brokerId));
            return new ClusterStats(nowMs, List.copyOf(entries));
        } finally {
            readLock.unlock();
        }
    }

    /** The names of all topics served by at least one live broker, sorted. */
    @Override
    public List<String> topicNames() {
        readLock.lock();
        try {
            return List.copyOf(new TreeSet<>(topicTable.keySet()));
        } finally {
            readLock.unlock();
        }
    }

    /** What the registry knows about the broker at {@code brokerAddr}, or empty when it is not registered. */
    public Optional<BrokerLiveInfo> liveInfo(String brokerAddr) {
        readLock.lock();
        try {
            return Optional.ofNullable(liveTable.get(brokerAddr));
        } finally {
            readLock.unlock();
        }
    }

    /** Every registered broker process. */
    public List<BrokerLiveInfo> liveBrokers() {
        readLock.lock();
        try {
            return List.copyOf(liveTable.values());
        } finally {
            readLock.unlock();
        }
    }

    /** Brokers whose last registration or heartbeat is more than {@code brokerExpireMs} before {@code nowMs}. */
    public List<BrokerLiveInfo> findExpired(long nowMs, long brokerExpireMs) {
        readLock.lock();
        try {
            List<BrokerLiveInfo> expired = new ArrayList<>();
            for (BrokerLiveInfo info : liveTable.values()) {
                if (info.silentMs(nowMs) > brokerExpireMs) {
                    expired.add(info);
                }
            }
            return expired;
        } finally {
            readLock.unlock();
        }
    }

    /** Brokers whose watched connection is {@code channel} (several when one connection registered several). */
    public List<BrokerLiveInfo> findByChannel(RemotingChannel channel) {
        readLock.lock();
        try {
            List<BrokerLiveInfo> found = new ArrayList<>();
            for (BrokerLiveInfo info : liveTable.values()) {
                if (info.channel() == channel) {
                    found.add(info);
                }
            }
            return found;
        } finally {
            readLock.unlock();
        }
    }

    /** The whole registry as plain values (a consistent copy, taken under the read lock). */
    public RegistryState exportState() {
        readLock.lock();
        try {
            List<RegistryState.Group> groups = new ArrayList<>(brokerTable.size());
            brokerTable.forEach((name, g) -> groups.add(new RegistryState.Group(name, g.cluster, g.masterEpoch, g.addrs)));
            List<RegistryState.Live> live = new ArrayList<>(liveTable.size());
            liveTable.values().forEach(i -> live.add(new RegistryState.Live(i.broker(), i.lastUpdateMs(), i.dataVersion())));
            return new RegistryState(groups, live, new HashMap<>(topicTable), new HashMap<>(figuresTable));
        } finally {
            readLock.unlock();
        }
    }

    // ---------------------------------------------------------------- changes (event thread only)

    /**
     * Replaces the whole registry with {@code state} (a backup installing its primary's snapshot). Event thread
     * only; the brokers have no watched connection afterwards.
     */
    public void importState(RegistryState state) {
        writeLock.lock();
        try {
            clusterTable.clear();
            brokerTable.clear();
            topicTable.clear();
            liveTable.clear();
            figuresTable.clear();
            for (RegistryState.Group g : state.groups()) {
                BrokerGroup group = new BrokerGroup(g.cluster());
                group.masterEpoch = g.masterEpoch();
                group.addrs.putAll(g.addrs());
                brokerTable.put(g.brokerName(), group);
                clusterTable.computeIfAbsent(g.cluster(), c -> new TreeSet<>()).add(g.brokerName());
            }
            for (RegistryState.Live l : state.live()) {
                liveTable.put(l.broker().brokerAddr(), new BrokerLiveInfo(l.broker(), l.lastUpdateMs(), l.dataVersion(),
                        null));
            }
            state.topics().forEach((topic, queues) -> topicTable.put(topic, new TreeMap<>(queues)));
            figuresTable.putAll(state.figures());
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Marks every registered broker alive as of {@code nowMs}: a NameServer that just became the primary has
     * heard no heartbeat (they are not replicated), so without this it would evict healthy brokers at its first
     * scan. Event thread only.
     */
    public void restartLivenessTimers(long nowMs) {
        writeLock.lock();
        try {
            liveTable.replaceAll((addr, i) -> new BrokerLiveInfo(i.broker(), Math.max(nowMs, i.lastUpdateMs()),
                    i.dataVersion(), i.channel()));
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Records a registration: the broker is alive as of {@code nowMs} and, when its data version changed,
     * its topics replace what the registry held for its group. A group's topics come from its master, or
     * from a slave while the group has no master (so consumers can keep reading from slaves).
     *
     * @return whether the topic table was updated from this registration
     */
    boolean register(BrokerIdentity broker, BrokerRegistration registration, RemotingChannel channel, long nowMs) {
        writeLock.lock();
        try {
            String addr = broker.brokerAddr();
            BrokerGroup known = brokerTable.get(broker.brokerName());
            if (broker.isMaster() && known != null && registration.masterEpoch() < known.masterEpoch
                    && !addr.equals(known.addrs.get(BrokerData.MASTER_ID))) {
                // a master of an older controller epoch (not yet told it lost its role): the route keeps the newer
                STALE_LOG.warn("{} registers as master of {} in epoch {}, older than epoch {} of {}; the route keeps"
                        + " the newer master", addr, broker.brokerName(), registration.masterEpoch(),
                        known.masterEpoch, known.addrs.get(BrokerData.MASTER_ID));
                return false;
            }
            BrokerLiveInfo previous = liveTable.get(addr);
            if (previous != null && !previous.broker().sameSlot(broker)) {
                // The process at this address now claims another cluster, group or id: forget the old claim.
                removeLocked(addr);
                previous = null;
            }
            BrokerGroup group = joinGroup(broker);
            if (broker.isMaster()) {
                group.masterEpoch = Math.max(group.masterEpoch, registration.masterEpoch());
            }
            String replacedAddr = group.addrs.put(broker.brokerId(), addr);
            if (replacedAddr != null && !replacedAddr.equals(addr)) {
                // A new process took over this broker id from another address; the old one no longer holds it.
                BrokerLiveInfo old = liveTable.get(replacedAddr);
                if (old != null && old.broker().sameSlot(broker)) {
                    liveTable.remove(replacedAddr);
                    figuresTable.remove(replacedAddr);
                }
            }
            liveTable.put(addr, new BrokerLiveInfo(broker, nowMs, registration.dataVersion(), channel));
            if (registration.figures() != null) {
                figuresTable.put(addr, registration.figures());
            }
            boolean changed = previous == null || previous.dataVersion() != registration.dataVersion();
            boolean authoritative = broker.isMaster() || !group.addrs.containsKey(BrokerData.MASTER_ID);
            if (changed && authoritative) {
                applyTopics(broker.brokerName(), registration.topicConfigs());
                return true;
            }
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Marks a registered broker alive as of {@code nowMs} and watches {@code channel} for it from now on.
     *
     * @return {@code false} when the broker is not registered (nothing changed)
     */
    boolean refresh(String brokerAddr, RemotingChannel channel, long nowMs) {
        writeLock.lock();
        try {
            BrokerLiveInfo info = liveTable.get(brokerAddr);
            if (info == null) {
                return false;
            }
            liveTable.put(brokerAddr, new BrokerLiveInfo(info.broker(), Math.max(nowMs, info.lastUpdateMs()),
                    info.dataVersion(), channel));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes the broker at {@code brokerAddr} (unregistered or evicted); returns what was known of it. */
    Optional<BrokerLiveInfo> remove(String brokerAddr) {
        writeLock.lock();
        try {
            return Optional.ofNullable(removeLocked(brokerAddr));
        } finally {
            writeLock.unlock();
        }
    }

    private BrokerGroup joinGroup(BrokerIdentity broker) {
        String name = broker.brokerName();
        BrokerGroup group = brokerTable.get(name);
        if (group == null) {
            group = new BrokerGroup(broker.clusterName());
            brokerTable.put(name, group);
        } else if (!group.cluster.equals(broker.clusterName())) {
            leaveCluster(group.cluster, name);
            group.cluster = broker.clusterName();
        }
        clusterTable.computeIfAbsent(broker.clusterName(), c -> new TreeSet<>()).add(name);
        return group;
    }

    private void applyTopics(String brokerName, Map<String, TopicConfig> topicConfigs) {
        Map<String, TopicConfig> configs = topicConfigs == null ? Map.of() : topicConfigs;
        for (TopicConfig tc : configs.values()) {
            topicTable.computeIfAbsent(tc.topic(), t -> new TreeMap<>())
                    .put(brokerName, new QueueData(brokerName, tc.readQueueNums(), tc.writeQueueNums(), tc.perm()));
        }
        // Topics the group no longer lists were deleted on the broker.
        Iterator<Map.Entry<String, TreeMap<String, QueueData>>> it = topicTable.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, TreeMap<String, QueueData>> e = it.next();
            if (!configs.containsKey(e.getKey()) && e.getValue().remove(brokerName) != null && e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    private BrokerLiveInfo removeLocked(String brokerAddr) {
        BrokerLiveInfo info = liveTable.remove(brokerAddr);
        figuresTable.remove(brokerAddr);
        if (info == null) {
            return null;
        }
        String name = info.broker().brokerName();
        BrokerGroup group = brokerTable.get(name);
        if (group != null) {
            group.addrs.values().removeIf(brokerAddr::equals);
            if (group.addrs.isEmpty()) {
                brokerTable.remove(name);
                leaveCluster(group.cluster, name);
                dropGroupFromTopics(name);
            }
        }
        return info;
    }

    private void leaveCluster(String cluster, String brokerName) {
        Set<String> names = clusterTable.get(cluster);
        if (names != null && names.remove(brokerName) && names.isEmpty()) {
            clusterTable.remove(cluster);
        }
    }

    private void dropGroupFromTopics(String brokerName) {
        Iterator<TreeMap<String, QueueData>> it = topicTable.values().iterator();
        while (it.hasNext()) {
            TreeMap<String, QueueData> queues = it.next();
            if (queues.remove(brokerName) != null && queues.isEmpty()) {
                it.remove();
            }
        }
    }

    /** A broker group's mutable entry; only touched under the write lock, read under the read lock. */
    private static final org.slf4j.Logger STALE_LOG = org.slf4j.LoggerFactory.getLogger(RouteInfoManager.class);

    private static final class BrokerGroup {

        String cluster;
        final TreeMap<Long, String> addrs = new TreeMap<>();
        /** The highest controller epoch a master of this group registered with (0 without a controller). */
        int masterEpoch;

        BrokerGroup(String cluster) {
            this.cluster = cluster;
        }

        BrokerData toBrokerData(String brokerName) {
            return new BrokerData(cluster, brokerName, Collections.unmodifiableMap(new TreeMap<>(addrs)));
        }
    }
}
