package io.tidemq.client.instance;

import io.tidemq.client.remoting.ClientRemotingApi;

import io.tidemq.client.route.RouteTable;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Tells brokers who this client is: HEART_BEAT (the client id and the groups it runs) to every broker of
 * the cached routes, at once to a broker seen for the first time, and UNREGISTER_CLIENT when a group or
 * the client leaves. A client that must be reachable before it uses any topic pins every broker of the
 * cluster. Heartbeats are asynchronous; failures are logged and the next round retries.
 */
final class Heartbeats {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final ClientRemotingApi api;
    private final RouteTable routes;
    private final String clientId;
    private final Supplier<HeartbeatData> data;
    /**
     * Broker addresses sent a heartbeat that the routes (or pins) still name: they get the UNREGISTER_CLIENT
     * calls. Pruned each round, so brokers gone from every route are no longer called; concurrent set.
     */
    private final Set<String> contacted = ConcurrentHashMap.newKeySet();

    Heartbeats(ClientRemotingApi api, RouteTable routes, String clientId, Supplier<HeartbeatData> data) {
        this.api = api;
        this.routes = routes;
        this.clientId = clientId;
        this.data = data;
    }

    /**
     * Brokers heartbeated whether or not a cached route names them: every broker of the cluster, for a client
     * that must be reachable before it has used any topic (a transaction producer answering check-backs).
     * Replaced whole by the timer thread; read by any thread.
     */
    private volatile Set<String> pinned = Set.of();

    /** Heartbeats {@code addrs} from now on, in addition to the brokers of the cached routes. */
    void pin(Set<String> addrs) {
        pinned = Set.copyOf(addrs);
    }

    /**
     * Pins every broker of every cluster the first answering NameServer of {@code namesrvs} knows (cluster info);
     * keeps the pins it has when none answers.
     */
    void pinClusterBrokers(List<String> namesrvs) {
        for (String addr : namesrvs) {
            try {
                Set<String> brokers = new HashSet<>();
                api.clusterInfo(addr).brokers().values().forEach(b -> brokers.addAll(b.brokerAddrs().values()));
                pin(brokers);
                return;
            } catch (RuntimeException e) {
                LOG.debug("cluster info from {} failed: {}", addr, e.getMessage());
            }
        }
        LOG.warn("no NameServer of {} answered the cluster info; heartbeats go only to the brokers of used topics",
                namesrvs);
    }

    /** Sends a heartbeat to every broker of the cached routes; completes when all answered or failed. */
    CompletableFuture<Void> sendToAll() {
        HeartbeatData hb = data.get();
        Set<String> addrs = new HashSet<>(routes.allBrokerAddresses());
        addrs.addAll(pinned);
        contacted.retainAll(addrs);
        List<CompletableFuture<?>> calls = new ArrayList<>(addrs.size());
        for (String addr : addrs) {
            calls.add(send(addr, hb));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
    }

    /** Sends a heartbeat to the brokers of {@code route} not contacted yet. */
    void sendToNewBrokers(TopicRouteData route) {
        HeartbeatData hb = null;
        for (BrokerData bd : route.brokerDatas()) {
            for (String addr : bd.brokerAddrs().values()) {
                if (!contacted.contains(addr)) {
                    if (hb == null) {
                        hb = data.get();
                    }
                    send(addr, hb);
                }
            }
        }
    }

    /** UNREGISTER_CLIENT to every contacted broker: one group ({@code null} for the other kind), or all with both null. */
    void unregister(String producerGroup, String consumerGroup) {
        for (String addr : contacted) {
            try {
                api.unregisterClient(addr, clientId, producerGroup, consumerGroup);
            } catch (RuntimeException e) {
                LOG.debug("unregistering {} (groups {}/{}) from {} failed: {}", clientId, producerGroup,
                        consumerGroup, addr, e.getMessage());
            }
        }
    }

    private CompletableFuture<Void> send(String addr, HeartbeatData hb) {
        contacted.add(addr);
        try {
            return api.heartbeat(addr, hb).handle((resp, err) -> {
                if (err != null) {
                    LOG.warn("heartbeat to broker {} failed: {}", addr, err.getMessage());
                } else if (!resp.isSuccess()) {
                    LOG.warn("broker {} refused the heartbeat: {}", addr, resp.remark());
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("heartbeat to broker {} failed: {}", addr, e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
    }
}
