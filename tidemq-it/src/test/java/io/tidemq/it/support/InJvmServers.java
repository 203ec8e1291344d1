package io.tidemq.it.support;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * A NameServer and one broker inside the test JVM, on ports the OS picks, over a store with small files: for
 * client-level tests that need a real broker but no process boundary (they start in a fraction of a second).
 * Test thread only.
 */
public final class InJvmServers implements AutoCloseable {

    private final NamesrvController namesrv;
    private final BrokerController broker;
    private final String namesrvAddr;

    private InJvmServers(NamesrvController namesrv, BrokerController broker, String namesrvAddr) {
        this.namesrv = namesrv;
        this.broker = broker;
        this.namesrvAddr = namesrvAddr;
    }

    /** Starts both; {@code brokerKeys} adjusts the broker's configuration (lease lengths, say). */
    public static InJvmServers start(Path storeDir, UnaryOperator<BrokerConfig.Builder> brokerKeys) {
        NamesrvController ns = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1")
                .build());
        ns.start();
        String nsAddr = "127.0.0.1:" + ns.port();
        BrokerController broker;
        try {
            broker = new BrokerController(brokerKeys.apply(BrokerConfig.builder()
                    .brokerName("broker-it")
                    .brokerIp("127.0.0.1")
                    .bindAddress("127.0.0.1")
                    .listenPort(0)
                    .namesrvAddrs(List.of(nsAddr))
                    .storePath(storeDir)
                    .registerIntervalMs(1_000)
                    .longPollingCheckIntervalMs(50)
                    .storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                    .storeProperty("warmMappedFiles", "false")
                    .storeProperty("preallocateNextFile", "false")).build());
            broker.start();
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        String brokerAddr = broker.address();
        await("broker registered with the NameServer").atMost(Duration.ofSeconds(15))
                .until(() -> ns.routeInfoManager().liveInfo(brokerAddr).isPresent());
        return new InJvmServers(ns, broker, nsAddr);
    }

    /** Creates {@code topic} on the broker and waits until the NameServer routes it. */
    public void createTopic(String topic, int queues) {
        Admins.createTopic(namesrvAddr, topic, queues);
    }

    public String namesrvAddr() {
        return namesrvAddr;
    }

    public BrokerController broker() {
        return broker;
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            namesrv.close();
        }
    }
}
