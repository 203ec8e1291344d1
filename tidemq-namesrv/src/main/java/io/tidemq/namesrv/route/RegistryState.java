package io.tidemq.namesrv.route;

import io.tidemq.common.protocol.body.BrokerFigures;
import io.tidemq.common.route.QueueData;
import io.tidemq.namesrv.membership.BrokerIdentity;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the route registry holds, as plain values: what a NameServer sends a backup that is too far behind
 * its operation ring (NS_REPL_SNAPSHOT), and what tests compare across NameServers. Connections are not part of
 * it (they are local to each NameServer). Immutable; lists sorted, so equal registries give equal states.
 *
 * @param groups  every broker group, by name
 * @param live    every live broker process, by address
 * @param topics  topic → broker name → queues
 * @param figures broker address → the runtime figures of its last registration that carried any
 */
public record RegistryState(List<Group> groups, List<Live> live, Map<String, Map<String, QueueData>> topics,
                            Map<String, BrokerFigures> figures) {

    public RegistryState {
        groups = groups.stream().sorted(Comparator.comparing(Group::brokerName)).toList();
        live = live.stream().sorted(Comparator.comparing(l -> l.broker().brokerAddr())).toList();
        Map<String, Map<String, QueueData>> t = new TreeMap<>();
        topics.forEach((topic, queues) -> t.put(topic, Map.copyOf(new TreeMap<>(queues))));
        topics = Map.copyOf(t);
        figures = Map.copyOf(figures);
    }

    /** A broker group: its cluster, the highest controller epoch its master registered with, its addresses by id. */
    public record Group(String brokerName, String cluster, int masterEpoch, Map<Long, String> addrs) {
        public Group {
            addrs = Map.copyOf(addrs);
        }
    }

    /** One live broker process; {@code lastUpdateMs} is its last registration (or heartbeat, which is local). */
    public record Live(BrokerIdentity broker, long lastUpdateMs, long dataVersion) {
    }

    /**
     * The same state without liveness times: heartbeats refresh only the NameServer they reach and are not
     * replicated, so two NameServers with the same registry may differ there and nowhere else.
     */
    public RegistryState withoutLiveness() {
        return new RegistryState(groups, live.stream().map(l -> new Live(l.broker(), 0, l.dataVersion())).toList(),
                topics, figures);
    }
}
