package io.tidemq.client.rebalance;

import io.tidemq.common.message.MessageQueue;

import java.util.List;

/**
 * Decides which queues of a topic one member of a consumer group reads. Every member runs the same
 * strategy on the same sorted inputs, so together they assign each queue to exactly one member without
 * talking to each other. Implementations are stateless and thread-safe.
 */
public interface AllocateStrategy {

    /**
     * The queues {@code currentClientId} should read.
     *
     * @param group           the consumer group (for logs and strategies that mix it into hashes)
     * @param currentClientId this member's id; must be one of {@code clientIds}
     * @param all             every readable queue of the topic, sorted
     * @param clientIds       the ids of the group's live members, sorted
     * @return the queues for this member; empty when it is not in {@code clientIds} or there are more members
     *         than queues and none is left for it
     */
    List<MessageQueue> allocate(String group, String currentClientId, List<MessageQueue> all, List<String> clientIds);

    /** A short name for logs and configuration ({@code average}, {@code round-robin}, …). */
    String name();

    /** The strategy named {@code name}: {@code average}, {@code round-robin} or {@code consistent-hash}. */
    static AllocateStrategy byName(String name) {
        return switch (name) {
            case "average" -> new AllocateAverage();
            case "round-robin" -> new AllocateRoundRobin();
            case "consistent-hash" -> new AllocateConsistentHash();
            default -> throw new IllegalArgumentException("unknown allocate strategy '" + name
                    + "'; use average, round-robin or consistent-hash");
        };
    }
}
