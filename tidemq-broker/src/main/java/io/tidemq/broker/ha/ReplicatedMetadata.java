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
}
