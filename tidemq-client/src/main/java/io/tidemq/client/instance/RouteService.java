package io.tidemq.client.instance;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.RemotingFailedException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.remoting.ClientRemotingApi;
import io.tidemq.client.route.RouteTable;
import io.tidemq.client.route.SlaveReads;
import io.tidemq.client.route.TopicPublishInfo;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The routes of one client instance: looks topics up at the NameServers (starting with the next one in turn,
 * trying the others on failure), keeps them in the {@link RouteTable}, and answers what producers and
 * consumers ask of them (publish info with the auto-create fallback, readable queues, broker addresses, the
 * members of a group as a broker of the topic knows them). Each route fetched is also handed to
 * {@code onFetched} (the heartbeats greet brokers seen for the first time).
 *
 * <p>Thread-safe: the route table is concurrent and the NameServer cursor atomic; fetches run on callers'
 * threads and the instance's timer thread.
 */
final class RouteService {

    private static final Logger LOG = LoggerFactory.getLogger(RouteService.class);

    private final ClientRemotingApi api;
    private final ClientConfig config;
    /** Shared with the heartbeats, which greet the brokers the routes name. */
    private final RouteTable routes;
    /** Masters that reads avoid for a while (they did not answer); thread-safe. */
    private final SlaveReads slaveReads = new SlaveReads();
    private final Consumer<TopicRouteData> onFetched;
    /** Where the next route lookup starts, so lookups spread over the NameServers. */
    private final AtomicInteger namesrvCursor = new AtomicInteger();

    RouteService(ClientRemotingApi api, ClientConfig config, RouteTable routes, Consumer<TopicRouteData> onFetched) {
        this.api = api;
        this.config = config;
        this.routes = routes;
        this.onFetched = onFetched;
    }

    RouteTable routes() {
        return routes;
    }

    /**
     * Fetches the route of {@code topic} from the NameServers and stores it.
     *
     * @throws TopicNotFoundException when a NameServer answers that the topic does not exist
     * @throws NameServerUnavailableException when no NameServer answered
     */
    TopicRouteData fetchRoute(String topic) {
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
                onFetched.accept(route);
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
    TopicPublishInfo publishInfo(String topic) {
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

    /** The readable queues of {@code topic}, sorted; fetches the route when it is not cached. */
    List<MessageQueue> readableQueues(String topic) {
        return RouteTable.readableQueues(topic, cachedOrFetched(topic));
    }

    /** The address a request about queues of {@code brokerName} goes to, or {@code null} when unknown. */
    String brokerAddress(String brokerName) {
        return routes.brokerAddress(brokerName);
    }

    /** The address a consumer reads {@code brokerName} from now (master, or a slave while it is unreachable). */
    String readAddress(String brokerName) {
        return slaveReads.readAddress(routes.broker(brokerName));
    }

    /**
     * A read from {@code addr} of {@code brokerName} got no answer; when it was the master, reads go to a slave
     * for a while.
     *
     * @return whether the next read goes to another replica
     */
    boolean readFailed(String brokerName, String addr) {
        boolean toSlave = slaveReads.readFailed(routes.broker(brokerName), addr);
        if (toSlave) {
            LOG.warn("master {} of broker {} does not answer; consumers read from its slave {} and try the master"
                    + " again in {} ms", addr, brokerName, readAddress(brokerName), SlaveReads.MASTER_RETRY_AFTER_MS);
        }
        return toSlave;
    }

    /** The members of {@code group} as a broker of {@code topic} knows them (the first that answers). */
    List<String> consumerIds(String group, String topic) {
        List<BrokerData> brokers = new ArrayList<>(cachedOrFetched(topic).brokerDatas());
        brokers.sort(Comparator.comparing(BrokerData::brokerName));
        RuntimeException last = null;
        for (BrokerData bd : brokers) {
            String addr = readAddress(bd.brokerName());
            if (addr == null) {
                continue;
            }
            try {
                return api.consumerIds(addr, group);
            } catch (RemotingFailedException e) {
                last = e;
                if (readFailed(bd.brokerName(), addr)) {
                    try {
                        return api.consumerIds(readAddress(bd.brokerName()), group); // its slave knows the members
                    } catch (RuntimeException again) {
                        last = again;
                    }
                }
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new ClientException("no broker of topic '" + topic + "' answered the member list of group '" + group
                + "'" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private TopicRouteData cachedOrFetched(String topic) {
        TopicRouteData route = routes.route(topic);
        return route != null ? route : fetchRoute(topic);
    }

    /** Fetches again the route of every cached topic and of {@code subscribed}; a failure keeps the cached route. */
    void refreshAll(Set<String> subscribed) {
        Set<String> topics = routes.topics();
        topics.addAll(subscribed);
        for (String topic : topics) {
            try {
                fetchRoute(topic);
            } catch (RuntimeException e) {
                LOG.warn("route refresh of topic {} failed; keeping the cached route: {}", topic, e.getMessage());
            }
        }
    }

    /**
     * Looks up, once each, the topics of {@code subscribed} no route is held for.
     *
     * @return those that have a route now
     */
    Set<String> fetchMissing(Set<String> subscribed) {
        Set<String> known = routes.topics();
        Set<String> found = new HashSet<>();
        for (String topic : subscribed) {
            if (known.contains(topic)) {
                continue;
            }
            try {
                fetchRoute(topic);
                found.add(topic);
                LOG.info("topic {} exists now; rebalancing the groups that subscribe to it", topic);
            } catch (RuntimeException e) {
                LOG.debug("subscribed topic {} still has no route: {}", topic, e.getMessage());
            }
        }
        return found;
    }
}
