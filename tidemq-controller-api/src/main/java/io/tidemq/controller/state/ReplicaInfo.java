package io.tidemq.controller.state;

import java.util.Objects;

/**
 * One replica of a broker group as the controller knows it (immutable).
 *
 * @param replicaId   the broker's configured {@code brokerId}, 0..{@link #MAX_REPLICA_ID}
 * @param brokerAddr  host:port clients send to
 * @param haAddr      host:port slaves replicate from
 * @param storeUuid   the UUID of the replica's store ({@code ha/replica.meta}); a new one means a wiped disk
 * @param incarnation incremented by the broker at every start; a new one means the process restarted
 * @param priority    election tie-break, higher wins
 */
public record ReplicaInfo(int replicaId, String brokerAddr, String haAddr, String storeUuid, long incarnation,
                          int priority) {
    public static final int MAX_REPLICA_ID = 1 << 20;

    public ReplicaInfo {
        Objects.requireNonNull(brokerAddr, "brokerAddr");
        Objects.requireNonNull(haAddr, "haAddr");
        Objects.requireNonNull(storeUuid, "storeUuid");
    }

    boolean sameStore(ReplicaInfo other) {
        return storeUuid.equals(other.storeUuid);
    }
}
