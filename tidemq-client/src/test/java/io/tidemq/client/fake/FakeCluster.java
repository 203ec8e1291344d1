package io.tidemq.client.fake;

import io.tidemq.client.ClientConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A fake NameServer and brokers, plus client configs with timers fast enough for tests. */
public final class FakeCluster implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    public final FakeNameServer namesrv = new FakeNameServer();
    public final List<FakeBroker> brokers = new ArrayList<>();

    public FakeCluster(int brokerCount) {
        for (int i = 0; i < brokerCount; i++) {
            brokers.add(new FakeBroker("broker-" + (char) ('a' + i)));
        }
    }

    public FakeBroker broker(int i) {
        return brokers.get(i);
    }

    /** Routes {@code topic} to {@code queues} queues on every broker. */
    public void topic(String topic, int queues) {
        namesrv.route(topic, queues, brokers.toArray(new FakeBroker[0]));
    }

    /** A config with a fresh instance name (so each client is its own group member) and fast timers. */
    public ClientConfig.Builder config(Path offsetDir) {
        return ClientConfig.builder()
                .namesrvAddrs(namesrv.address())
                .instanceName("test-" + INSTANCES.incrementAndGet())
                .clientIp("127.0.0.1")
                .routeRefreshIntervalMs(500)
                .heartbeatIntervalMs(300)
                .rebalanceIntervalMs(300)
                .requestTimeoutMs(2_000)
                .longPollingMs(400)
                .pullRetryBackoffMs(50)
                .consumeRetryDelayMs(50)
                .offsetCommitIntervalMs(100)
                .faultAvoidanceMs(5_000)
                .consumeThreads(4)
                .offsetStoreDir(offsetDir);
    }

    @Override
    public void close() {
        brokers.forEach(FakeBroker::close);
        namesrv.close();
    }
}
