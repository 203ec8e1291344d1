package io.tidemq.client.rebalance;

import io.tidemq.common.message.MessageQueue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hash ring with {@code virtualNodes} points per member; a queue belongs to the first point at or after
 * its own hash. When a member leaves, only its queues move (to the next points on the ring); when one
 * joins, it takes queues only from others' arcs. Less balanced than {@link AllocateAverage} but with far
 * fewer moves on membership changes, which matters when moving a queue is expensive (cold caches).
 */
public final class AllocateConsistentHash implements AllocateStrategy {

    public static final int DEFAULT_VIRTUAL_NODES = 100;

    private final int virtualNodes;

    public AllocateConsistentHash() {
        this(DEFAULT_VIRTUAL_NODES);
    }

    public AllocateConsistentHash(int virtualNodes) {
        if (virtualNodes < 1 || virtualNodes > 10_000) {
            throw new IllegalArgumentException("virtualNodes must be in [1, 10000], got " + virtualNodes);
        }
        this.virtualNodes = virtualNodes;
    }

    @Override
    public List<MessageQueue> allocate(String group, String currentClientId, List<MessageQueue> all,
                                       List<String> clientIds) {
        if (!clientIds.contains(currentClientId)) {
            return List.of();
        }
        TreeMap<Long, String> ring = new TreeMap<>();
        for (String id : clientIds) {
            for (int v = 0; v < virtualNodes; v++) {
                ring.put(hash(id + "#" + v), id);
            }
        }
        List<MessageQueue> mine = new ArrayList<>();
        for (MessageQueue mq : all) {
            Map.Entry<Long, String> owner = ring.ceilingEntry(hash(mq.toString()));
            if (owner == null) {
                owner = ring.firstEntry();
            }
            if (owner.getValue().equals(currentClientId)) {
                mine.add(mq);
            }
        }
        return mine;
    }

    @Override
    public String name() {
        return "consistent-hash";
    }

    /** The first 8 bytes of MD5: well spread, and the same on every member whatever its JVM. */
    static long hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xFF);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }
}
