package io.tidemq.client.route;

import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes a client instance has fetched, and what it derives from them: broker addresses by broker
 * name, and the publish info per topic. Readers (send and pull paths) never lock; a route update replaces
 * whole values.
 *
 * <p>Brokers are pruned with the routes: a broker that no held route names any more is forgotten, so nothing
 * (heartbeats, UNREGISTER_CLIENT on close) goes to it again.
 *
 * <p>Thread-safety: concurrent maps read without locking; {@link #update} runs on the route-refresh thread or on
 * a caller that met an unknown topic, serialized on {@code this} so pruning never drops a broker another update
 * just added.
 */
public final class RouteTable {

    private final Map<String, TopicRouteData> routes = new ConcurrentHashMap<>();
    private final Map<String, TopicPublishInfo> publishInfos = new ConcurrentHashMap<>();
    private final Map<String, BrokerData> brokers = new ConcurrentHashMap<>();

    /** Stores {@code route} for {@code topic}; returns whether it differs from the one held before. */
    public synchronized boolean update(String topic, TopicRouteData route) {
        TopicRouteData old = routes.put(topic, route);
        for (BrokerData bd : route.brokerDatas()) {
            brokers.put(bd.brokerName(), bd);
        }
        if (old != null) {
            for (BrokerData bd : old.brokerDatas()) {
                if (!named(bd.brokerName())) {
                    brokers.remove(bd.brokerName());
                }
            }
        }
        if (Objects.equals(old, route) && publishInfos.containsKey(topic)) {
            return false;
        }
        publishInfos.put(topic, TopicPublishInfo.from(topic, route));
        return true;
    }

    /** Whether a held route names {@code brokerName}. Under {@code this}. */
    private boolean named(String brokerName) {
        for (TopicRouteData r : routes.values()) {
            for (BrokerData bd : r.brokerDatas()) {
                if (bd.brokerName().equals(brokerName)) {
                    return true;
                }
            }
        }
        return false;
    }

    public TopicRouteData route(String topic) {
        return routes.get(topic);
    }

    public TopicPublishInfo publishInfo(String topic) {
        return publishInfos.get(topic);
    }

    /** The topics routes are held for. */
    public Set<String> topics() {
        return new HashSet<>(routes.keySet());
    }

    /** The master's address of {@code brokerName}, else any of its addresses, else {@code null}. */
    public String brokerAddress(String brokerName) {
        BrokerData bd = brokers.get(brokerName);
        if (bd == null) {
            return null;
        }
        String master = bd.masterAddr();
        if (master != null) {
            return master;
        }
        return bd.brokerAddrs().isEmpty() ? null : bd.brokerAddrs().values().iterator().next();
    }

    /** The group {@code brokerName} as the held routes list it (master and slaves), or {@code null}. */
    public BrokerData broker(String brokerName) {
        return brokers.get(brokerName);
    }

    /** Every broker address of every held route (masters and slaves). */
    public Set<String> allBrokerAddresses() {
        Set<String> addrs = new HashSet<>();
        for (BrokerData bd : brokers.values()) {
            addrs.addAll(bd.brokerAddrs().values());
        }
        return addrs;
    }

    /** The readable queues of {@code route}, sorted. */
    public static List<MessageQueue> readableQueues(String topic, TopicRouteData route) {
        List<MessageQueue> queues = new ArrayList<>();
        for (QueueData qd : route.queueDatas()) {
            if (!Perm.isReadable(qd.perm())) {
                continue;
            }
            for (int i = 0; i < qd.readQueueNums(); i++) {
                queues.add(new MessageQueue(topic, qd.brokerName(), i));
            }
        }
        queues.sort(null);
        return queues;
    }
}
