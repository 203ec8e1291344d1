package io.tidemq.it.support;

import io.tidemq.client.ClientConfig;

import java.nio.file.Path;

/**
 * Client settings for integration tests: the production defaults with the periodic work (route refresh,
 * heartbeat, rebalance, commit) made fast, so a test observes a change in about a second, not in 30.
 */
public final class TestClients {

    public static final long ROUTE_REFRESH_INTERVAL_MS = 500;
    public static final long REBALANCE_INTERVAL_MS = 1_000;
    public static final int PULL_BATCH_SIZE = 32;

    private TestClients() {
    }

    /**
     * @param instanceName distinct per consumer member: members of one group in this JVM need their own
     *                     client instance to count as separate members
     * @param offsetDir    where broadcasting consumers keep their offsets
     */
    public static ClientConfig.Builder config(String namesrvAddrs, String instanceName, Path offsetDir) {
        return ClientConfig.builder()
                .namesrvAddrs(namesrvAddrs)
                .instanceName(instanceName)
                .clientIp("127.0.0.1")
                .routeRefreshIntervalMs(ROUTE_REFRESH_INTERVAL_MS)
                .heartbeatIntervalMs(1_000)
                .rebalanceIntervalMs(REBALANCE_INTERVAL_MS)
                // generous: a loaded 2-core box can stall a request for seconds, and a timed-out send is retried,
                // which would store a duplicate that exactly-once assertions then count
                .requestTimeoutMs(10_000)
                .longPollingMs(2_000)
                .pullBatchSize(PULL_BATCH_SIZE)
                .pullRetryBackoffMs(200)
                .offsetCommitIntervalMs(200)
                .offsetStoreDir(offsetDir);
    }
}
