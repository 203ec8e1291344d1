package io.tidemq.client.impl;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.common.message.MessageQueue;
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
}
