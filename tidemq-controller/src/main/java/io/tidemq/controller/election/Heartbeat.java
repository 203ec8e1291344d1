package io.tidemq.controller.election;

/**
 * What a broker replica last reported to this controller peer (immutable).
 *
 * @param group          the replica's group
 * @param replicaId      its id
 * @param incarnation    its process incarnation; a heartbeat of another incarnation than the registered one
 *                       does not count
 * @param lastEpoch      the last epoch in its log's epoch lineage
 * @param maxOffset      its log end
 * @param receivedAtNanos when this peer received it ({@link System#nanoTime} scale)
 */
public record Heartbeat(String group, int replicaId, long incarnation, int lastEpoch, long maxOffset,
                        long receivedAtNanos) {
}
