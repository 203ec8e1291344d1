package io.tidemq.controller.ratis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One controller peer: its id and the host:port of its Ratis (gRPC) endpoint.
 *
 * @param id      letters, digits, '-' or '_' (e.g. {@code c0})
 * @param host    host name or address
 * @param raftPort the Ratis port, 1..65535
 */
public record ControllerPeer(String id, String host, int raftPort) {
    public ControllerPeer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("controller peer id '" + id
                    + "' must be 1..64 letters, digits, '-' or '_'");
        }
        if (host.isEmpty() || raftPort < 1 || raftPort > 65535) {
            throw new IllegalArgumentException("controller peer " + id + " needs host:port with a port 1..65535");
        }
    }

    public String address() {
        return host + ":" + raftPort;
    }

    /**
     * Parses {@code id@host:port,id@host:port,...} (the {@code controllerPeers} key).
     *
     * @throws IllegalArgumentException naming the entry that is wrong and the expected form
     */
    public static List<ControllerPeer> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("controllerPeers is empty; expected id@host:port,id@host:port,...");
        }
        List<ControllerPeer> peers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            int at = entry.indexOf('@');
            int colon = entry.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("controllerPeers entry '" + entry + "' is not id@host:port");
            }
            int port;
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("controllerPeers entry '" + entry + "' has a non-numeric port", e);
            }
            ControllerPeer peer = new ControllerPeer(entry.substring(0, at), entry.substring(at + 1, colon), port);
            if (!ids.add(peer.id())) {
                throw new IllegalArgumentException("controllerPeers names peer " + peer.id() + " twice");
            }
            peers.add(peer);
        }
        return List.copyOf(peers);
    }
}
