package io.tidemq.client.consumer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.fake.FakeBroker;
import io.tidemq.client.fake.FakeNameServer;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A route that still lists a master that does not answer (its process is gone, the NameServer has not noticed): the
 * consumer reads the group from its slave and commits its offsets there (the return to the master once the mark
 * lapses is {@code SlaveReadsTest}; with real brokers, {@code SlaveReadIT}).
 */
class SlaveReadFallbackTest {

    private static final String TOPIC = "fallback";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private final FakeNameServer namesrv = new FakeNameServer();
    private final FakeBroker master = new FakeBroker("broker-a");
    private final FakeBroker slave = new FakeBroker("broker-a");
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        master.close();
        slave.close();
        namesrv.close();
    }

    @Test
    void aConsumerReadsFromTheSlaveWhileTheRoutedMasterDoesNotAnswer() {
        namesrv.routeWithSlave(TOPIC, 2, master, slave);
        for (int q = 0; q < 2; q++) {
            int queue = q;
            slave.store(TOPIC, q, IntStream.range(0, 20).mapToObj(i -> Message.builder(TOPIC)
                    .body("m-" + queue + "-" + i).build()).toList());
        }
        master.close(); // the route keeps naming it: every connection to it is refused

        ClientConfig config = ClientConfig.builder().namesrvAddrs(namesrv.address()).instanceName("fallback")
                .clientIp("127.0.0.1").routeRefreshIntervalMs(600_000).heartbeatIntervalMs(300)
                .rebalanceIntervalMs(300).requestTimeoutMs(2_000).longPollingMs(400).pullRetryBackoffMs(50)
                .offsetCommitIntervalMs(100).offsetStoreDir(dir).build();
        Set<String> got = ConcurrentHashMap.newKeySet();
        PushConsumer consumer = PushConsumer.builder("cg", config).consumeFromWhere(ConsumeFromWhere.FIRST).build();
        consumer.subscribe(TOPIC, "*").registerListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> got.add(new String(m.body())));
            return ConsumeStatus.SUCCESS;
        });
        consumer.start();
        closeables.add(consumer);

        await("every message is read from the slave").atMost(WAIT).until(() -> got.size() == 40);
        assertThat(slave.pulledMessages.get()).isGreaterThanOrEqualTo(40);
        await("the offsets are committed on the slave").atMost(WAIT).until(() ->
                slave.committedOffset("cg", new MessageQueue(TOPIC, "broker-a", 0)) == 20
                        && slave.committedOffset("cg", new MessageQueue(TOPIC, "broker-a", 1)) == 20);
    }
}
