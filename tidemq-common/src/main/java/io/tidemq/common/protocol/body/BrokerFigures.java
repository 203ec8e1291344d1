package io.tidemq.common.protocol.body;

/**
 * A broker's runtime figures as it reports them to the NameServers with each registration (REGISTER_BROKER
 * body, field {@code figures}), and as GET_CLUSTER_STATS returns them: what an overview page shows for one broker.
 * Rates are averages over the interval since the broker's previous report; totals count since the broker started.
 *
 * @param sampledAtMs          epoch millis the broker took the figures
 * @param version              the TideMQ version the broker runs
 * @param role                 {@code MASTER} or {@code SLAVE}
 * @param startTimeMs          epoch millis the broker started
 * @param putMessagesPerSecond messages stored per second (TPS in)
 * @param getMessagesPerSecond messages delivered to consumers per second (TPS out)
 * @param putBytesPerSecond    message bytes stored per second
 * @param getBytesPerSecond    message bytes delivered per second
 * @param putMessagesTotal     messages stored since start
 * @param getMessagesTotal     messages delivered since start
 * @param diskTotalBytes       size of the store's file system
 * @param diskUsableBytes      free bytes of the store's file system
 * @param commitLogBytes       bytes the CommitLog holds (max - min offset)
 * @param storeWriteState      the store's write state ({@code WRITABLE}, {@code DISK_FULL}, {@code FSYNC_FAILED}, ...)
 * @param storeWriteRefusal    why the store refuses writes, or {@code null} while it accepts them
 * @param drained              whether the broker was drained ({@code admin broker drain}): routes no longer send to it
 * @param topicCount           topics the broker hosts
 */
public record BrokerFigures(long sampledAtMs, String version, String role, long startTimeMs,
                            double putMessagesPerSecond, double getMessagesPerSecond,
                            double putBytesPerSecond, double getBytesPerSecond,
                            long putMessagesTotal, long getMessagesTotal,
                            long diskTotalBytes, long diskUsableBytes, long commitLogBytes,
                            String storeWriteState, String storeWriteRefusal, boolean drained, int topicCount) {

    /** Used over total bytes of the store's file system, 0 to 1; 0 when the size is unknown. */
    public double diskUsedRatio() {
        return diskTotalBytes <= 0 ? 0.0 : (double) (diskTotalBytes - diskUsableBytes) / diskTotalBytes;
    }
}
