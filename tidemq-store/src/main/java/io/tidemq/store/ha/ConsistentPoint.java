package io.tidemq.store.ha;

import java.util.List;

/**
 * Where a replica's log stops agreeing with its master's (Kafka KIP-101/KIP-279, RocketMQ
 * {@code findConsistentPoint}): walk the replica's epochs newest first; at the first epoch the master also has
 * with the same start offset, the logs agree up to {@code min(localEnd(e), masterEnd(e))}, where an epoch ends
 * where the next entry of its lineage starts, or at the log end for the last. Without such an epoch nothing is
 * known to be common: the point is 0. Stateless.
 */
public final class ConsistentPoint {

    private ConsistentPoint() {
    }

    /**
     * @param local       the replica's lineage, oldest first
     * @param localEnd    the replica's log end (max offset)
     * @param master      the master's lineage, oldest first
     * @param masterEnd   the master's log end
     * @return the CommitLog offset the replica must truncate to before fetching
     */
    public static long find(List<EpochEntry> local, long localEnd, List<EpochEntry> master, long masterEnd) {
        for (int i = local.size() - 1; i >= 0; i--) {
            EpochEntry mine = local.get(i);
            int j = indexOfEpoch(master, mine.epoch());
            if (j >= 0 && master.get(j).startOffset() == mine.startOffset()) {
                long myEnd = i + 1 < local.size() ? local.get(i + 1).startOffset() : localEnd;
                long theirEnd = j + 1 < master.size() ? master.get(j + 1).startOffset() : masterEnd;
                return Math.min(myEnd, theirEnd);
            }
        }
        return 0;
    }

    private static int indexOfEpoch(List<EpochEntry> lineage, int epoch) {
        int low = 0;
        int high = lineage.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int e = lineage.get(mid).epoch();
            if (e == epoch) {
                return mid;
            }
            if (e < epoch) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return -1;
    }
}
