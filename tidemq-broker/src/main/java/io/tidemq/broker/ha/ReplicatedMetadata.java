package io.tidemq.broker.ha;

/**
 * The broker state outside the CommitLog that slaves copy from their master: topic configuration and consumer
 * offsets. The master publishes a snapshot whenever {@link #changeCount()} moved (checked every second) and at
 * once on an admin change ({@link ReplicationService#replicateMetadataNow}); a slave applies the snapshots it
 * receives on its replication thread.
 */
public interface ReplicatedMetadata {

    /** Nothing to copy. */
    ReplicatedMetadata NONE = new ReplicatedMetadata() {
        @Override
        public long changeCount() {
            return 0;
        }

        @Override
        public byte[] snapshot() {
            return new byte[0];
        }

        @Override
        public void apply(byte[] snapshot) {
        }
    };

    /** Master: a number that moves whenever something to copy changed. Any thread. */
    long changeCount();

    /** Master: everything to copy, encoded. Any thread. */
    byte[] snapshot();

    /** Slave: applies a master's snapshot (topics replaced, offsets merged by maximum). The replication thread. */
    void apply(byte[] snapshot);

    /**
     * Slave → master: consumer offsets committed on the slave (while its master was unreachable) that no master
     * has taken yet, encoded, and what to run once the master took them (HA_MERGE_OFFSETS).
     */
    record OffsetsToMerge(byte[] body, int count, Runnable onMerged) {
    }

    /** Slave: the offsets to merge into the master, or null when there are none. The replication thread. */
    default OffsetsToMerge offsetsToMerge() {
        return null;
    }

    /**
     * Master: merges a slave's {@link OffsetsToMerge#body()} (each offset only moves forward).
     *
     * @return how many offsets moved
     */
    default int mergeOffsets(byte[] body) {
        return 0;
    }
}
