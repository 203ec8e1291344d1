package io.tidemq.client.admin;

import java.util.Collection;
import java.util.List;

/** The cluster named is not registered with the NameServers. */
public final class UnknownClusterException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final String cluster;

    public UnknownClusterException(String cluster, Collection<String> knownClusters) {
        super("cluster '" + cluster + "' has no broker registered with the NameServers; known clusters: "
                + (knownClusters.isEmpty() ? "none (is any broker running?)" : List.copyOf(knownClusters).toString()));
        this.cluster = cluster;
    }

    public String cluster() {
        return cluster;
    }
}
