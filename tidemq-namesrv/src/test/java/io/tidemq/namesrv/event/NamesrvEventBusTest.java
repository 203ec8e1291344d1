package io.tidemq.namesrv.event;

import io.tidemq.namesrv.membership.EvictionReason;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.metrics.NamesrvMetrics;
import io.tidemq.namesrv.route.RouteInfoManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesrvEventBusTest {

    private static final BrokerIdentity BROKER = new BrokerIdentity("c1", "broker-a", 0, "10.0.0.1:10911");

    private final NamesrvMetrics metrics = new NamesrvMetrics();
    private final NamesrvEventContext context =
            new NamesrvEventContext(NamesrvConfig.defaults(), new RouteInfoManager(), metrics);
    /** Appended to by handlers on the event thread, read by the test after a future completed. */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private NamesrvEventBus bus;

    @AfterEach
    void closeBus() {
        if (bus != null) {
            bus.close();
        }
    }

    @Test
    void handlersRunInAscendingOrderWhateverTheRegistrationOrder() throws Exception {
        bus = new NamesrvEventBus(List.of(new Named("late", 10), new Named("early", -5), new Named("middle", 0)),
                context, 16);

        bus.publish(unregistered()).get(5, TimeUnit.SECONDS);

        assertThat(calls).containsExactly("early", "middle", "late");
        assertThat(bus.handlers()).extracting(NamesrvEventHandler::order).containsExactly(-5, 0, 10);
    }

    @Test
    void throwingHandlerIsCountedAndDoesNotStopTheOthersOrFailThePublisher() throws Exception {
        NamesrvEventHandler throwing = new NamesrvEventHandler() {
            @Override
            public void onEvent(NamesrvEvent event, NamesrvEventContext ctx) {
                throw new IllegalStateException("boom");
            }
        };
        bus = new NamesrvEventBus(List.of(new Named("before", -1), throwing, new Named("after", 1)), context, 16);

        bus.publish(unregistered()).get(5, TimeUnit.SECONDS);
        bus.publish(unregistered()).get(5, TimeUnit.SECONDS);

        assertThat(calls).containsExactly("before", "after", "before", "after");
        assertThat(metrics.handlerFailures()).isEqualTo(2);
    }

    @Test
    void handlerThatSupportsNothingIsNeverCalled() throws Exception {
        NamesrvEventHandler filtered = new Named("filtered", 0) {
            @Override
            public boolean supports(NamesrvEvent event) {
                return event instanceof BrokerEvictedEvent;
            }
        };
        bus = new NamesrvEventBus(List.of(filtered), context, 16);

        bus.publish(unregistered()).get(5, TimeUnit.SECONDS);

        assertThat(calls).isEmpty();
    }

    @Test
    void perKindMethodsReceiveTheirEventKind() throws Exception {
        List<Class<?>> seen = Collections.synchronizedList(new ArrayList<>());
        NamesrvEventHandler perKind = new NamesrvEventHandler() {
            @Override
            public void onUnregistered(BrokerUnregisteredEvent event, NamesrvEventContext ctx) {
                seen.add(event.getClass());
            }

            @Override
            public void onEvicted(BrokerEvictedEvent event, NamesrvEventContext ctx) {
                seen.add(event.getClass());
            }
        };
        bus = new NamesrvEventBus(List.of(perKind), context, 16);

        bus.publish(unregistered()).get(5, TimeUnit.SECONDS);
        bus.publish(new BrokerEvictedEvent(BROKER, EvictionReason.EXPIRED, "test", 1, 2)).get(5, TimeUnit.SECONDS);
        bus.publish(new BrokerHeartbeatEvent(BROKER, null, 3)).get(5, TimeUnit.SECONDS);

        assertThat(seen).containsExactly(BrokerUnregisteredEvent.class, BrokerEvictedEvent.class);
    }

    @Test
    void decisionRunsOnTheEventThreadAndOnlyItsEventsAreDispatched() throws Exception {
        bus = new NamesrvEventBus(List.of(new Named("h", 0)), context, 16);
        List<String> decidedOn = new ArrayList<>();

        List<NamesrvEvent> none = bus.publishDecided(() -> {
            decidedOn.add(Thread.currentThread().getName());
            return List.of();
        }).get(5, TimeUnit.SECONDS);
        List<NamesrvEvent> two = bus.publishDecided(() -> List.of(unregistered(), unregistered()))
                .get(5, TimeUnit.SECONDS);

        assertThat(none).isEmpty();
        assertThat(decidedOn).containsExactly(NamesrvEventBus.THREAD_NAME);
        assertThat(two).hasSize(2);
        assertThat(calls).containsExactly("h", "h");
    }

    @Test
    void failingDecisionFailsItsFutureButNotTheBus() throws Exception {
        bus = new NamesrvEventBus(List.of(new Named("h", 0)), context, 16);

        CompletableFuture<List<NamesrvEvent>> failed = bus.publishDecided(() -> {
            throw new IllegalStateException("cannot decide");
        });

        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("cannot decide");
        bus.publish(unregistered()).get(5, TimeUnit.SECONDS);
        assertThat(calls).containsExactly("h");
    }

    @Test
    void fullQueueRejectsWithABusyErrorInsteadOfGrowing() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NamesrvEventHandler blocking = new NamesrvEventHandler() {
            @Override
            public void onEvent(NamesrvEvent event, NamesrvEventContext ctx) throws InterruptedException {
                started.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
        };
        bus = new NamesrvEventBus(List.of(blocking), context, 1);
        CompletableFuture<Void> running = bus.publish(unregistered());
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> queued = bus.publish(unregistered());

        CompletableFuture<Void> rejected = bus.publish(unregistered());

        assertThat(rejected).isCompletedExceptionally();
        assertThatThrownBy(rejected::join).hasCauseInstanceOf(EventBusRejectedException.class)
                .hasMessageContaining("event queue is full");
        release.countDown();
        running.get(5, TimeUnit.SECONDS);
        queued.get(5, TimeUnit.SECONDS);
    }

    @Test
    void closeRunsQueuedEventsClosesHandlersAndThenRejects() throws Exception {
        List<String> closed = Collections.synchronizedList(new ArrayList<>());
        NamesrvEventHandler closable = new Named("h", 0) {
            @Override
            public void close() {
                closed.add("h");
            }
        };
        bus = new NamesrvEventBus(List.of(closable), context, 16);
        CompletableFuture<Void> queued = bus.publish(unregistered());

        bus.close();
        bus.close();

        assertThat(queued).isCompleted();
        assertThat(calls).containsExactly("h");
        assertThat(closed).containsExactly("h");
        CompletableFuture<Void> afterClose = bus.publish(unregistered());
        assertThatThrownBy(afterClose::join).hasCauseInstanceOf(EventBusRejectedException.class)
                .hasMessageContaining("shutting down");
    }

    private static BrokerUnregisteredEvent unregistered() {
        return new BrokerUnregisteredEvent(BROKER, 1);
    }

    /** Records its name when it sees an event. */
    private class Named implements NamesrvEventHandler {

        private final String name;
        private final int order;

        Named(String name, int order) {
            this.name = name;
            this.order = order;
        }

        @Override
        public int order() {
            return order;
        }

        @Override
        public void onEvent(NamesrvEvent event, NamesrvEventContext ctx) {
            calls.add(name);
        }
    }
}
