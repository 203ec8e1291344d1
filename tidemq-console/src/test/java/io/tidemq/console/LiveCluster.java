package io.tidemq.console;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** A NameServer and a broker in the test JVM on ports the OS picks, for the console to show. Test thread only. */
final class LiveCluster implements AutoCloseable {

    final NamesrvController namesrv;
    final BrokerController broker;
    final String namesrvAddr;

    LiveCluster(Path storeDir) {
        namesrv = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1").build());
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
        broker = new BrokerController(BrokerConfig.builder().brokerName("broker-console").brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1").listenPort(0).namesrvAddrs(List.of(namesrvAddr)).storePath(storeDir)
                .registerIntervalMs(1_000).statsIntervalMs(200).longPollingCheckIntervalMs(50).retryBackoffSchedule("1s 1s 2s")
                .storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                .storeProperty("warmMappedFiles", "false").storeProperty("preallocateNextFile", "false").build());
        broker.start();
        String addr = broker.address();
        await("broker registered").atMost(Duration.ofSeconds(15))
                .until(() -> namesrv.routeInfoManager().liveInfo(addr).isPresent());
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
