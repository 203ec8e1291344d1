package io.tidemq.client.admin;

import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;

/**
 * Which brokers an admin operation goes to: the master of every broker group of one cluster, one broker by
 * address, or (neither given) every master the NameServers know.
 *
 * @param cluster    a cluster name, or {@code null}
 * @param brokerAddr a broker's {@code host:port}, or {@code null}
 * @throws InvalidAddressException when {@code brokerAddr} is not {@code host:port}
 */
public record AdminTarget(String cluster, String brokerAddr) {

    private static final AdminTarget ALL = new AdminTarget(null, null);

    public AdminTarget {
        if (cluster != null && brokerAddr != null) {
            throw new IllegalArgumentException("give a cluster or a broker address, not both (cluster '" + cluster
                    + "', broker " + brokerAddr + ")");
        }
        if (brokerAddr != null) {
            HostPort.parse(brokerAddr, "broker address");
        }
    }

    /** Every master of {@code cluster}. */
    public static AdminTarget cluster(String cluster) {
        return new AdminTarget(cluster, null);
    }

    /** The one broker at {@code host:port}. */
    public static AdminTarget broker(String brokerAddr) {
        return new AdminTarget(null, brokerAddr);
    }

    /** Every master of every cluster. */
    public static AdminTarget all() {
        return ALL;
    }

    /** Builds a target from optional command-line values; both absent means {@link #all()}. */
    public static AdminTarget of(String cluster, String brokerAddr) {
        return cluster == null && brokerAddr == null ? ALL : new AdminTarget(cluster, brokerAddr);
    }

    public boolean isAll() {
        return cluster == null && brokerAddr == null;
    }

    @Override
    public String toString() {
        return brokerAddr != null ? "broker " + brokerAddr : cluster != null ? "cluster " + cluster : "every cluster";
    }
}
