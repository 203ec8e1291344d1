package io.tidemq.client.admin;

import io.tidemq.client.InvalidArgumentException;

import io.tidemq.common.net.HostPort;

/**
 * Which brokers an admin operation goes to: the master of every broker group of one cluster, one broker by
 * address, or (neither given) every master the NameServers know.
 *
 * @param cluster    a cluster name, or {@code null}
 * @param brokerAddr a broker's {@code host:port}, or {@code null}
 * @throws InvalidArgumentException when {@code brokerAddr} is not {@code host:port} (caused by the
 *                                  {@link io.tidemq.common.net.InvalidAddressException}), or both are given
 */
public record AdminTarget(String cluster, String brokerAddr) {

    private static final AdminTarget ALL = new AdminTarget(null, null);

    public AdminTarget {
        if (cluster != null && brokerAddr != null) {
            throw new InvalidArgumentException("give a cluster or a broker address, not both (cluster '" + cluster
                    + "', broker " + brokerAddr + ")");
        }
        if (brokerAddr != null) {
            try {
                HostPort.parse(brokerAddr, "broker address");
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e);
            }
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
