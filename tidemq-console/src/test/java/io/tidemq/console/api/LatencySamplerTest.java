package io.tidemq.console.api;

import io.tidemq.common.protocol.body.DeliveryLatency;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

class LatencySamplerTest {

    private static DeliveryLatency.GroupInterval interval(String group, long endMs, long count, Long p50, Long p99) {
        return new DeliveryLatency.GroupInterval(group, endMs - 10_000, endMs, count, p50, p99, p99);
    }

    /** A broker at "b:1" keeping every interval it was given; answers those after the console's cursor. */
    private static final class FakeBroker {
        final List<DeliveryLatency.GroupInterval> kept = new ArrayList<>();
        final List<Long> cursorsAsked = new ArrayList<>();

        Map<String, DeliveryLatency> answer(ToLongFunction<String> after) {
            long cursor = after.applyAsLong("b:1");
            cursorsAsked.add(cursor);
            return Map.of("b:1", new DeliveryLatency("broker-a", 0, 10_000, 1_000, 6, 0,
                    kept.stream().filter(g -> g.endMs() > cursor).toList()));
        }
    }

    @Test
    void eachBrokerIntervalBecomesOnePointOnceAndAnIdleIntervalHasNoPercentile() {
        FakeBroker broker = new FakeBroker();
        LatencySampler sampler = new LatencySampler(10_000, broker::answer);
        broker.kept.add(interval("g", 10_000, 5, 12L, 40L));
        broker.kept.add(interval("g", 20_000, 0, null, null));
        sampler.sampleOnce();
        sampler.sampleOnce(); // nothing new: no point repeated
        broker.kept.add(interval("g", 30_000, 2, 7L, 9L));
        sampler.sampleOnce();

        LatencySampler.LatencyHistory h = sampler.history("g");
        assertThat(h.sampled()).isTrue();
        assertThat(h.intervalMs()).isEqualTo(10_000);
        assertThat(h.brokers()).singleElement().satisfies(b -> {
            assertThat(b.broker()).isEqualTo("broker-a");
            assertThat(b.address()).isEqualTo("b:1");
            assertThat(b.samples()).extracting(LatencySampler.LatencySample::timeMs).containsExactly(10_000L, 20_000L, 30_000L);
            assertThat(b.samples()).extracting(LatencySampler.LatencySample::p99Ms).containsExactly(40L, null, 9L);
        });
        assertThat(broker.cursorsAsked).containsExactly(0L, 20_000L, 20_000L);
        assertThat(sampler.history("other").sampled()).isFalse();
    }

    @Test
    void aGroupNoBrokerReportsForARingOfSamplesIsForgotten() {
        FakeBroker broker = new FakeBroker();
        LatencySampler sampler = new LatencySampler(10_000, broker::answer);
        broker.kept.add(interval("gone", 10_000, 1, 1L, 1L));
        sampler.sampleOnce();
        for (int i = 0; i < LagSampler.RING; i++) {
            sampler.sampleOnce();
        }
        assertThat(sampler.history("gone").sampled()).isTrue();
        sampler.sampleOnce();
        assertThat(sampler.history("gone").sampled()).isFalse();
    }
}
