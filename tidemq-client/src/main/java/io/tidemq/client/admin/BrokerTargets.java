package io.tidemq.client.admin;

import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.ClusterInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns an {@link AdminTarget} and the NameServers' {@link ClusterInfo} into broker addresses. Stateless. */
final class BrokerTargets {

    private BrokerTargets() {
    }

    /** For reads: per broker group of the target, its master (any member when it has none), by broker name. */
    static List<String> readAddresses(ClusterInfo info, AdminTarget target, List<String> namesrvAddrs) {
        List<String> out = new ArrayList<>();
        for (String name : brokerNames(info, target.cluster())) {
            BrokerData b = info.brokers().get(name);
            String addr = b == null ? null : readAddress(b);
            if (addr != null) {
                out.add(addr);
            }
        }
        if (out.isEmpty()) {
            throw noBrokers(target, namesrvAddrs);
        }
        return out;
    }

    /** For writes: the masters of the target; with several clusters known, the target must name one. */
    static List<String> writeAddresses(ClusterInfo info, AdminTarget target, List<String> namesrvAddrs) {
        if (target.cluster() == null && info.clusters().size() > 1) {
            throw new AdminException("the NameServers know " + info.clusters().size() + " clusters "
                    + new TreeSet<>(info.clusters().keySet()) + ": choose one with --cluster, or one broker with --broker");
        }
        List<String> out = new ArrayList<>();
        for (String name : brokerNames(info, target.cluster())) {
            BrokerData b = info.brokers().get(name);
            if (b != null && b.masterAddr() != null) {
                out.add(b.masterAddr());
            }
        }
        if (out.isEmpty()) {
            throw noBrokers(target, namesrvAddrs);
        }
        return out;
    }

    /** The address to read a broker group from: its master, else its lowest-id slave; null when it has none. */
    static String readAddress(BrokerData b) {
        if (b.brokerAddrs() == null || b.brokerAddrs().isEmpty()) {
            return null;
        }
        String master = b.masterAddr();
        return master != null ? master : new TreeMap<>(b.brokerAddrs()).firstEntry().getValue();
    }

    /** Every broker of {@code info} as rows, sorted by cluster, broker name and id. */
    static List<BrokerEntry> entries(ClusterInfo info) {
        List<BrokerEntry> out = new ArrayList<>();
        for (BrokerData b : info.brokers().values()) {
            String cluster = b.cluster() != null ? b.cluster() : clusterOf(info, b.brokerName());
            if (b.brokerAddrs() == null) {
                continue;
            }
            for (Map.Entry<Long, String> e : new TreeMap<>(b.brokerAddrs()).entrySet()) {
                Long beat = info.lastHeartbeatMs().get(e.getValue());
                out.add(new BrokerEntry(cluster, b.brokerName(), e.getKey(), e.getValue(), beat == null ? 0 : beat));
            }
        }
        out.sort(Comparator.comparing(BrokerEntry::cluster, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(BrokerEntry::brokerName).thenComparingLong(BrokerEntry::brokerId));
        return out;
    }

    private static String clusterOf(ClusterInfo info, String brokerName) {
        for (Map.Entry<String, Set<String>> e : info.clusters().entrySet()) {
            if (e.getValue().contains(brokerName)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static SortedSet<String> brokerNames(ClusterInfo info, String cluster) {
        if (cluster == null) {
            return new TreeSet<>(info.brokers().keySet());
        }
        Set<String> names = info.clusters().get(cluster);
        if (names == null) {
            throw new UnknownClusterException(cluster, new TreeSet<>(info.clusters().keySet()));
        }
        return new TreeSet<>(names);
    }

    private static AdminException noBrokers(AdminTarget target, List<String> namesrvAddrs) {
        return new AdminException("no broker of " + target + " is registered with the NameServers " + namesrvAddrs
                + "; start a broker (bin/tidemq standalone, or bin/tidemq broker --config FILE) or wait for it to"
                + " register");
    }
}
