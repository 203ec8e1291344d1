package io.tidemq.broker.stats;

import io.tidemq.common.protocol.body.DeliveryLatency;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GroupLatencyStatsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final GroupLatencyStats stats = new GroupLatencyStats(clock::get);

    /** Delivers messages stored {@code latenciesMs} before {@code now}, one pull. */
    private void deliver(String group, long now, long... latenciesMs) {
        long[] stored = new long[latenciesMs.length + 3]; // pulls pass a longer, reused array
        for (int i = 0; i < latenciesMs.length; i++) {
            stored[i] = now - latenciesMs[i];
        }
        stats.delivered(group, stored, latenciesMs.length, now);
    }

    private static DeliveryLatency.GroupInterval of(List<DeliveryLatency.GroupInterval> all, String group) {
        return all.stream().filter(g -> g.group().equals(group)).findFirst().orElseThrow();
    }

    @Test
    void theMedianAndThe99thPercentileOfKnownLatenciesAreExact() {
        long now = clock.get();
        long[] oneTo100 = new long[100];
        for (int i = 0; i < 100; i++) {
            oneTo100[i] = i + 1; // 1 ms .. 100 ms
        }
        deliver("billing", now, oneTo100);
        stats.roll(now + 10_000);

        DeliveryLatency.GroupInterval g = of(stats.snapshot(), "billing");
        assertThat(g.count()).isEqualTo(100);
        assertThat(g.p50Ms()).isEqualTo(50);
        assertThat(g.p99Ms()).isEqualTo(99);
        assertThat(g.maxMs()).isEqualTo(100);
        assertThat(g.startMs()).isEqualTo(now);
        assertThat(g.endMs()).isEqualTo(now + 10_000);
    }

    @Test
    void aSlowTailShowsInThe99thPercentileNotInTheMedianWithinAThousandth() {
        long now = clock.get();
        long[] latencies = new long[1_000];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = i < 985 ? 12 : 45_000; // 1.5 % of the messages waited 45 s
        }
        deliver("audit", now, latencies);
        stats.roll(now + 10_000);

        DeliveryLatency.GroupInterval g = of(stats.snapshot(), "audit");
        assertThat(g.p50Ms()).isEqualTo(12);
        assertThat(g.p99Ms().doubleValue()).isCloseTo(45_000, within(45.0)); // 3 significant digits
        assertThat(g.maxMs().doubleValue()).isCloseTo(45_000, within(45.0));
    }

    @Test
    void eachIntervalCountsOnlyItsOwnDeliveriesAndAnIdleIntervalIsUnknownNotZero() {
        long now = clock.get();
        deliver("g", now, 5_000, 5_000);
        stats.roll(now + 10_000);
        deliver("g", now + 11_000, 3, 3, 3);
        stats.roll(now + 20_000);
        DeliveryLatency.GroupInterval second = of(stats.snapshot(), "g");
        assertThat(second.count()).isEqualTo(3);
        assertThat(second.p99Ms()).isEqualTo(3);
        assertThat(second.startMs()).isEqualTo(now + 10_000);

        stats.roll(now + 30_000);
        DeliveryLatency.GroupInterval idle = of(stats.snapshot(), "g");
        assertThat(idle.count()).isZero();
        assertThat(idle.p50Ms()).isNull();
        assertThat(idle.p99Ms()).isNull();
        assertThat(idle.maxMs()).isNull();
    }

    @Test
    void aClockStepBackIsNotANegativeLatency() {
        long now = clock.get();
        deliver("g", now, -250); // stored "after" delivery: another broker's clock, or a step back
        stats.roll(now + 10_000);
        assertThat(of(stats.snapshot(), "g").p50Ms()).isZero();
    }

    @Test
    void atMostMaxGroupsAreMeasuredAndTheRestIsCounted() {
        long now = clock.get();
        for (int i = 0; i < GroupLatencyStats.MAX_GROUPS; i++) {
            deliver("group-" + i, now, 1);
        }
        deliver("one-too-many", now, 1, 2, 3);
        stats.roll(now + 10_000);
        assertThat(stats.snapshot()).hasSize(GroupLatencyStats.MAX_GROUPS)
                .noneMatch(g -> g.group().equals("one-too-many"));
        assertThat(stats.untrackedMessages()).isEqualTo(3);
    }

    @Test
    void aGroupIdleForIdleIntervalsIsForgottenAndFreesItsPlace() {
        long now = clock.get();
        deliver("gone", now, 1);
        for (int i = 1; i < GroupLatencyStats.IDLE_INTERVALS + 1; i++) {
            stats.roll(now + i * 10_000L);
        }
        assertThat(stats.snapshot()).extracting(DeliveryLatency.GroupInterval::group).containsExactly("gone");
        stats.roll(now + (GroupLatencyStats.IDLE_INTERVALS + 1) * 10_000L);
        assertThat(stats.snapshot()).isEmpty();
        assertThat(stats.groupCount()).isZero();
    }

    @Test
    void aReaderGivenTheEndOfTheLastIntervalItReadGetsTheIntervalsRolledSinceAtMostKeptIntervals() {
        long now = clock.get();
        for (int i = 1; i <= GroupLatencyStats.KEPT_INTERVALS + 2; i++) {
            deliver("a", now + i * 10_000L - 1, i);
            stats.roll(now + i * 10_000L);
        }
        List<DeliveryLatency.GroupInterval> all = stats.after(0);
        assertThat(all).hasSize(GroupLatencyStats.KEPT_INTERVALS);
        assertThat(all.get(0).endMs()).isEqualTo(now + 3 * 10_000L); // the 2 oldest rolls were dropped
        assertThat(all).extracting(DeliveryLatency.GroupInterval::p50Ms).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);

        long cursor = all.get(all.size() - 1).endMs();
        assertThat(stats.after(cursor)).isEmpty();
        deliver("a", now + 90_000, 42);
        stats.roll(now + 90_001);
        assertThat(stats.after(cursor)).extracting(DeliveryLatency.GroupInterval::p50Ms).containsExactly(42L);
    }

    @Test
    void aLatencyBeyondThirtyDaysCountsAsThirtyDays() {
        long now = clock.get();
        deliver("ancient", now, 90L * 24 * 3_600_000, 5);
        stats.roll(now + 10_000);
        DeliveryLatency.GroupInterval g = of(stats.snapshot(), "ancient");
        assertThat(g.maxMs().doubleValue()).isCloseTo(GroupLatencyStats.HIGHEST_MS, within(GroupLatencyStats.HIGHEST_MS / 1_000.0));
        assertThat(g.p50Ms()).isEqualTo(5);
    }

    @Test
    // a hang guard, not a speed limit: HdrHistogram's concurrent packed Recorder, tried first, resized so slowly
    // against interval swaps that pulls waiting on it timed out (CliIT)
    @org.junit.jupiter.api.Timeout(120)
    void deliveriesFromSeveralPullThreadsWhileIntervalsRollAreEachCountedOnce() throws Exception {
        int threads = 4;
        int pulls = 2_000;
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(threads);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long spread = 1L << (10 + 6 * t); // each thread its own range of latencies, up to 2^28 ms
            done.add(pool.submit(() -> {
                started.countDown();
                for (int i = 0; i < pulls; i++) {
                    deliver("busy", clock.get(), (i * 7919L) % spread, (i * 104_729L) % spread);
                }
            }));
        }
        started.await();
        long counted = 0;
        long at = clock.get();
        while (!done.stream().allMatch(java.util.concurrent.Future::isDone)) {
            stats.roll(at += 10);
            counted += stats.snapshot().stream().mapToLong(DeliveryLatency.GroupInterval::count).sum();
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        stats.roll(at + 10);
        counted += stats.snapshot().stream().mapToLong(DeliveryLatency.GroupInterval::count).sum();
        pool.shutdown();
        assertThat(counted).isEqualTo(2L * threads * pulls);
    }
}
