package io.tidemq.namesrv.liveness;

import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.metrics.NamesrvMetrics;
import io.tidemq.namesrv.event.BrokerAuditEventHandler;
import io.tidemq.namesrv.event.BrokerEvictedEvent;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.event.BrokerRegisteredEvent;
import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.event.NamesrvEventContext;
import io.tidemq.remoting.FakeChannel;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.namesrv.route.RouteTableEventHandler;
import io.tidemq.remoting.RemotingChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scan and the connection listener, against a real bus and route table, with a controlled clock. */
class BrokerLivenessTest {

    private static final BrokerIdentity BROKER_A = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.1:10911");
    private static final BrokerIdentity BROKER_B = new BrokerIdentity("c1", "broker-b", 0, "10.0.0.2:10911");
    private static final long EXPIRE_MS = 1_000;

    private final AtomicLong clockMs = new AtomicLong(10_000);
    private final RouteInfoManager routes = new RouteInfoManager();
    private final NamesrvMetrics metrics = new NamesrvMetrics();
    private final NamesrvEventBus bus = new NamesrvEventBus(
            List.of(new RouteTableEventHandler(), new BrokerAuditEventHandler()),
            new NamesrvEventContext(NamesrvConfig.defaults(), routes, metrics), 64);
    private final BrokerLivenessScanner scanner = new BrokerLivenessScanner(routes, bus, EXPIRE_MS, 10, clockMs::get);
    private final BrokerChannelListener listener = new BrokerChannelListener(routes, bus, clockMs::get);

    @AfterEach
    void close() {
        scanner.close();
        bus.close();
    }

    @Test
    void scanEvictsOnlyBrokersSilentLongerThanBrokerExpireMs() throws Exception {
        register(BROKER_A, new FakeChannel("a"), 10_000);
        register(BROKER_B, new FakeChannel("b"), 10_500);
        clockMs.set(11_200);

        List<NamesrvEvent> evicted = scanner.scanNow().get(5, TimeUnit.SECONDS);

        assertThat(evicted).singleElement().isInstanceOfSatisfying(BrokerEvictedEvent.class, e -> {
            assertThat(e.broker()).isEqualTo(BROKER_A);
            assertThat(e.reason()).isEqualTo(EvictionReason.EXPIRED);
            assertThat(e.detail()).isEqualTo("silent for 1200 ms, brokerExpireMs is 1000");
            assertThat(e.lastUpdateMs()).isEqualTo(10_000);
        });
        assertThat(routes.liveBrokers()).extracting(i -> i.broker().brokerName()).containsExactly("broker-b");
        assertThat(metrics.evictions(EvictionReason.EXPIRED)).isEqualTo(1);
    }

    @Test
    void scheduledScanRunsOnItsOwnThreadEveryScanInterval() {
        register(BROKER_A, new FakeChannel("a"), 10_000);
        clockMs.set(20_000);

        scanner.start();

        await().atMost(5, TimeUnit.SECONDS).until(() -> routes.liveBrokers().isEmpty());
    }

    @Test
    void closedConnectionEvictsEveryBrokerRegisteredOverIt() throws Exception {
        FakeChannel shared = new FakeChannel("shared");
        register(BROKER_A, shared, 10_000);
        register(BROKER_B, shared, 10_000);

        listener.onClose("10.0.0.9:40000", shared);

        await().atMost(5, TimeUnit.SECONDS).until(() -> metrics.evictions(EvictionReason.CHANNEL_CLOSED) == 2);
        assertThat(routes.liveBrokers()).isEmpty();
    }

    @Test
    void oldConnectionClosingDoesNotEvictABrokerThatReRegisteredOverANewOne() throws Exception {
        FakeChannel oldChannel = new FakeChannel("old");
        register(BROKER_A, oldChannel, 10_000);
        register(BROKER_A, new FakeChannel("new"), 10_100);

        listener.onClose("10.0.0.9:40000", oldChannel);
        bus.publishDecided(List::of).get(5, TimeUnit.SECONDS); // runs after the close decision: a barrier

        assertThat(routes.liveBrokers()).hasSize(1);
        assertThat(metrics.evictionsTotal()).isZero();
    }

    @Test
    void idleAndFailedConnectionsEvictWithTheirOwnReason() {
        FakeChannel idle = new FakeChannel("idle");
        FakeChannel failed = new FakeChannel("failed");
        register(BROKER_A, idle, 10_000);
        register(BROKER_B, failed, 10_000);

        listener.onIdle("10.0.0.9:40000", idle);
        listener.onException("10.0.0.9:40001", failed, new java.io.IOException("connection reset"));

        await().atMost(5, TimeUnit.SECONDS).until(() -> metrics.evictionsTotal() == 2);
        assertThat(metrics.evictions(EvictionReason.CHANNEL_IDLE)).isEqualTo(1);
        assertThat(metrics.evictions(EvictionReason.CHANNEL_ERROR)).isEqualTo(1);
    }

    @Test
    void stoppedListenerIgnoresConnectionEventsOfTheNameServersOwnShutdown() throws Exception {
        FakeChannel channel = new FakeChannel("a");
        register(BROKER_A, channel, 10_000);

        listener.stop();
        listener.onClose("10.0.0.9:40000", channel);
        bus.publishDecided(List::of).get(5, TimeUnit.SECONDS);

        assertThat(routes.liveBrokers()).hasSize(1);
    }

    private void register(BrokerIdentity broker, RemotingChannel channel, long atMs) {
        BrokerRegistration registration = new BrokerRegistration(broker.clusterName(), broker.brokerName(),
                broker.brokerId(), broker.brokerAddr(), Map.of("orders", TopicConfig.of("orders", 4)), 1);
        bus.publish(new BrokerRegisteredEvent(broker, registration, channel, atMs)).join();
    }
}
