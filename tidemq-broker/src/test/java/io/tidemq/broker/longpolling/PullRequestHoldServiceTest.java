package io.tidemq.broker.longpolling;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PullRequestHoldServiceTest {

    private final ConcurrentHashMap<String, Long> maxOffsets = new ConcurrentHashMap<>();
    private final PullRequestHoldService service = new PullRequestHoldService(
            (topic, queueId) -> maxOffsets.getOrDefault(topic + "@" + queueId, 0L), 50);
    private final List<String> wakes = new ArrayList<>();

    @AfterEach
    void close() {
        service.close();
    }

    private PullRequestHoldService.HeldPull record(String name) {
        return expired -> {
            synchronized (wakes) {
                wakes.add(name + (expired ? ":expired" : ":arrived"));
            }
        };
    }

    private static long inSeconds(int s) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void arrivalBeyondTheHeldOffsetWakesThePullOnce() {
        service.hold("orders", 3, 10, inSeconds(30), record("p"));

        service.onArrival("orders", 3, 11);
        service.onArrival("orders", 3, 12);

        assertThat(wakes).containsExactly("p:arrived");
        assertThat(service.heldCount()).isZero();
    }

    /** The store wakes its dispatcher on an append only while a pull waits; the listener wakes held pulls. */
    @Test
    void theArrivalListenerAsksForPromptDispatchOnlyWhileAPullIsHeld() {
        var listener = service.arrivalListener();
        assertThat(listener.waitingForArrivals()).isFalse();

        service.hold("orders", 3, 10, inSeconds(30), record("p"));
        assertThat(listener.waitingForArrivals()).isTrue();

        listener.onArrival("orders", 3, 11);
        assertThat(wakes).containsExactly("p:arrived");
        assertThat(listener.waitingForArrivals()).isFalse();
    }

    @Test
    void arrivalOnAnotherQueueOrBelowTheOffsetKeepsThePullHeld() {
        service.hold("orders", 3, 10, inSeconds(30), record("p"));

        service.onArrival("orders", 2, 50);
        service.onArrival("audit", 3, 50);
        service.onArrival("orders", 3, 10);

        assertThat(wakes).isEmpty();
        assertThat(service.heldCount()).isEqualTo(1);
    }

    @Test
    void aMessageThatArrivedBeforeTheHoldWakesItAtOnce() {
        maxOffsets.put("orders@0", 5L);

        service.hold("orders", 0, 4, inSeconds(30), record("p"));

        assertThat(wakes).containsExactly("p:arrived");
    }

    @Test
    void sweepExpiresOverduePullsAndKeepsTheOthers() {
        long now = System.nanoTime();
        service.hold("orders", 0, 0, now + 1_000, record("due"));
        service.hold("orders", 0, 0, now + TimeUnit.SECONDS.toNanos(30), record("later"));

        service.sweep(now + 2_000);

        assertThat(wakes).containsExactly("due:expired");
        assertThat(service.heldCount()).isEqualTo(1);
    }

    @Test
    void sweepWakesPullsWhoseQueueGrewWithoutAnArrivalEvent() {
        service.hold("orders", 700, 0, inSeconds(30), record("p"));
        maxOffsets.put("orders@700", 1L);

        service.sweep(System.nanoTime());

        assertThat(wakes).containsExactly("p:arrived");
    }

    @Test
    void theSweeperThreadExpiresPullsOnItsOwn() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        service.start();

        service.hold("orders", 0, 0, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100), e -> {
            if (e) {
                expired.countDown();
            }
        });

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closeAnswersEveryHeldPullAsExpired() {
        service.hold("orders", 0, 0, inSeconds(30), record("a"));
        service.hold("audit", 1, 0, inSeconds(30), record("b"));

        service.close();
        service.hold("orders", 0, 0, inSeconds(30), record("late"));

        assertThat(wakes).containsExactlyInAnyOrder("a:expired", "b:expired", "late:expired");
    }
}
