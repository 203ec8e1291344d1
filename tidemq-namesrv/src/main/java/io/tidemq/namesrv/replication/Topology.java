package io.tidemq.namesrv.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is the primary NameServer and, in CHAIN mode, the chain order; changed only with a higher {@code epoch}
 * (promotion or chain repair). Immutable.
 *
 * @param epoch   strictly increases with each change; operations of an older epoch are refused
 * @param primary host:port of the primary (the chain's head)
 * @param peers   every NameServer taking part, in chain order
 */
public record Topology(long epoch, String primary, List<String> peers) {

    public Topology {
        peers = List.copyOf(peers);
    }

    /** The chain: the primary first, then the other peers in their order. */
    public List<String> chain() {
        List<String> chain = new ArrayList<>(peers.size());
        chain.add(primary);
        for (String p : peers) {
            if (!p.equals(primary)) {
                chain.add(p);
            }
        }
        return List.copyOf(chain);
    }

    /** The node after {@code self} in the chain, or null when {@code self} is the tail (or not in the chain). */
    public String successor(String self) {
        List<String> chain = chain();
        int i = chain.indexOf(self);
        return i < 0 || i == chain.size() - 1 ? null : chain.get(i + 1);
    }

    /** The last node of the chain (where CHAIN mode serves strong reads). */
    public String tail() {
        List<String> chain = chain();
        return chain.get(chain.size() - 1);
    }

    /** The peers as the comma-separated text the wire carries. */
    public String peersText() {
        return String.join(",", peers);
    }

    /** Parses the comma-separated peers of the wire. */
    public static List<String> parsePeers(String text) {
        List<String> list = new ArrayList<>();
        if (text != null) {
            for (String p : text.split(",")) {
                if (!p.isBlank() && !list.contains(p.trim())) {
                    list.add(p.trim());
                }
            }
        }
        return list;
    }
}
