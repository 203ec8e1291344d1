package io.tidemq.controller.election;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest heartbeat of every replica, in memory only (never replicated: every controller peer hears the brokers
 * itself, so a new leader has its own view at once). Written by the transport threads that receive heartbeats,
 * read by the election scanner; entries are immutable and the map is concurrent.
 */
public final class LivenessTable {
    private record Key(String group, int replicaId) {
    }

    private final Map<Key, Heartbeat> latest = new ConcurrentHashMap<>();

    public void record(Heartbeat heartbeat) {
        latest.merge(new Key(heartbeat.group(), heartbeat.replicaId()), heartbeat,
                (old, now) -> now.receivedAtNanos() >= old.receivedAtNanos() ? now : old);
    }

    /** The latest heartbeat of the replica, or null when this peer never heard it. */
    public Heartbeat latest(String group, int replicaId) {
        return latest.get(new Key(group, replicaId));
    }
}
