package io.tidemq.client.instance;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.common.message.MessageQueue;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.tidemq.common.protocol.body.ConsumerData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ClientInstanceTest {

    @TempDir
    Path dir;

    private final FakeCluster cluster = new FakeCluster(2);

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void aRouteLookupTriesTheNextNameServerWhenOneIsDown() {
        cluster.topic("t", 2);
        ClientConfig config = cluster.config(dir).namesrvAddrs("127.0.0.1:1;" + cluster.namesrv.address()).build();
        ClientInstance ci = ClientInstance.acquire(config);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(ci.fetchRoute("t").brokerDatas()).hasSize(2);
            }
            assertThat(ci.readableQueues("t")).hasSize(4);
            assertThat(ci.brokerAddress("broker-b")).isEqualTo(cluster.broker(1).address());
            assertThat(ci.publishInfo("t").writableQueues()).contains(new MessageQueue("t", "broker-a", 1));
            assertThatThrownBy(() -> ci.fetchRoute("missing")).isInstanceOf(TopicNotFoundException.class);
        } finally {
            ci.release();
        }
    }

    @Test
    void instancesAreSharedPerNameServersAndInstanceNameAndShutDownOnTheLastRelease() {
        ClientConfig config = cluster.config(dir).build();
        ClientInstance first = ClientInstance.acquire(config);
        ClientInstance second = ClientInstance.acquire(config);
        assertThat(second).isSameAs(first);
        assertThat(first.clientId()).startsWith("127.0.0.1@").endsWith("@" + config.instanceName());
        ClientInstance other = ClientInstance.acquire(config.toBuilder().instanceName("other-" + System.nanoTime()).build());
        assertThat(other).isNotSameAs(first);
        other.release();

        first.release();
        cluster.topic("t", 1);
        assertThat(second.fetchRoute("t")).isNotNull();
        second.release();
        ClientInstance fresh = ClientInstance.acquire(config);
        try {
            assertThat(fresh).isNotSameAs(first);
        } finally {
            fresh.release();
        }
    }

    @Test
    void routesAreRefreshedAndBrokersHeartbeatedOnTimers() {
        cluster.topic("t", 1);
        ClientInstance ci = ClientInstance.acquire(cluster.config(dir).build());
        try {
            ci.fetchRoute("t");
            int lookups = cluster.namesrv.routeRequests.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.namesrv.routeRequests.get() >= lookups + 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker(0).heartbeats.get() >= 3
                    && cluster.broker(1).heartbeats.get() >= 3);
        } finally {
            ci.release();
        }
    }

    @Test
    void membershipChangesArrivingDuringARebalanceAreCoalescedIntoOneMore() throws Exception {
        ClientInstance ci = ClientInstance.acquire(cluster.config(dir).rebalanceIntervalMs(3_600_000).build());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger rebalances = new AtomicInteger();
        ci.registerConsumer(new ConsumerMember() {
            @Override
            public String group() {
                return "g";
            }

            @Override
            public ConsumerData consumerData() {
                return new ConsumerData("g", "PUSH", "CLUSTERING", "LAST", Set.of(), null);
            }

            @Override
            public Set<String> topics() {
                return Set.of();
            }

            @Override
            public void rebalance() {
                if (rebalances.incrementAndGet() == 1) {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        try {
            ci.triggerRebalance("g");
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 100; i++) {
                ci.triggerRebalance("g"); // a NOTIFY_CONSUMER_IDS_CHANGED storm while the first one runs
            }
            release.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() -> rebalances.get() >= 2);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> rebalances.get() == 2);
        } finally {
            release.countDown();
            ci.unregisterConsumer("g");
            ci.release();
        }
    }

    @Test
    void brokersNoRouteNamesAnyMoreAreForgottenAndNoLongerHeartbeated() {
        cluster.topic("t", 1);
        ClientInstance ci = ClientInstance.acquire(cluster.config(dir).build());
        try {
            ci.fetchRoute("t");
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker(1).heartbeats.get() >= 1);

            cluster.namesrv.route("t", 1, cluster.broker(0)); // broker-b no longer hosts t
            ci.fetchRoute("t");

            assertThat(ci.brokerAddress("broker-b")).isNull();
            assertThat(ci.routes().allBrokerAddresses()).containsExactly(cluster.broker(0).address());
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker(0).heartbeats.get() >= 3);
            int toB = cluster.broker(1).heartbeats.get();
            await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(5))
                    .until(() -> cluster.broker(1).heartbeats.get() <= toB + 1);
        } finally {
            ci.release();
        }
    }
}
