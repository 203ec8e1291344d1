package io.tidemq.console.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Drain time = lag / recent consume rate of the committed offsets; unknown (never 0 or negative) without a rate. */
class LagSamplerTest {

    private static GroupsApi.QueueLagRow queue(int id, long brokerOffset, Long committed) {
        return new GroupsApi.QueueLagRow("b", "t", id, brokerOffset, committed,
                committed == null ? null : brokerOffset - committed, null, null, null, null);
    }

    private static GroupsApi.GroupDetail group(GroupsApi.QueueLagRow... queues) {
        long lag = 0;
        int unknown = 0;
        for (GroupsApi.QueueLagRow q : queues) {
            if (q.lag() == null) {
                unknown++;
            } else {
                lag += q.lag();
            }
        }
        return new GroupsApi.GroupDetail("g", null, List.of(), List.of(), lag, unknown, List.of(queues), null, null,
                null);
    }

    private static LagSampler sampler() {
        return new LagSampler(10_000, List::of, g -> {
            throw new AssertionError("not sampled here");
        });
    }

    @Test
    void theDrainTimeIsTheLagOverTheRateTheCommittedOffsetsAdvanced() {
        LagSampler s = sampler();
        s.record("g", 0, group(queue(0, 1_000, 0L), queue(1, 1_000, 500L)));
        // 10 s later: queue 0 consumed 100 (10/s), queue 1 consumed 300 (30/s)
        GroupsApi.GroupDetail now = group(queue(0, 1_100, 100L), queue(1, 1_200, 800L));
        s.record("g", 10_000, now);

        LagSampler.Drain d = s.drain("g", now);

        assertThat(d.rate()).isCloseTo(40.0, within(1e-9));
        assertThat(d.seconds()).isCloseTo((1_000 + 400) / 40.0, within(1e-9));
        assertThat(d.unknownReason()).isNull();
        assertThat(d.queueRates()).containsEntry("b/t/0", 10.0).containsEntry("b/t/1", 30.0);
        assertThat(LagSampler.queueDrain(now.queues().get(0), 10.0)).isEqualTo(100.0);
        assertThat(LagSampler.queueDrain(now.queues().get(1), 30.0)).isCloseTo(400 / 30.0, within(1e-9));
    }

    @Test
    void theRateIsOverTheLastMinuteOnly() {
        LagSampler s = sampler();
        s.record("g", 0, group(queue(0, 10_000, 0L)));
        s.record("g", 100_000, group(queue(0, 10_000, 9_000L))); // a burst long ago
        for (long t = 110_000; t <= 200_000; t += 10_000) {
            s.record("g", t, group(queue(0, 10_000, 9_000L + (t - 100_000) / 1_000))); // 1/s since
        }
        GroupsApi.GroupDetail now = group(queue(0, 10_000, 9_100L));

        LagSampler.Drain d = s.drain("g", now);

        assertThat(d.rate()).isCloseTo(1.0, within(1e-9));
        assertThat(d.seconds()).isCloseTo(900.0, within(1e-9));
    }

    @Test
    void aQueueFirstCommittedWithinTheWindowIsMeasuredFromItsFirstCommit() {
        LagSampler s = sampler();
        s.record("g", 0, group(queue(0, 100, null)));
        s.record("g", 10_000, group(queue(0, 100, 20L)));
        GroupsApi.GroupDetail now = group(queue(0, 100, 70L));
        s.record("g", 20_000, now);

        LagSampler.Drain d = s.drain("g", now);

        assertThat(d.rate()).isCloseTo(5.0, within(1e-9));
        assertThat(d.seconds()).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void aLaggingGroupThatDoesNotConsumeHasAnUnknownDrainTimeNotZero() {
        LagSampler s = sampler();
        GroupsApi.GroupDetail stuck = group(queue(0, 50, 10L));
        s.record("g", 0, stuck);
        s.record("g", 10_000, stuck);

        LagSampler.Drain d = s.drain("g", stuck);

        assertThat(d.seconds()).isNull();
        assertThat(d.rate()).isZero();
        assertThat(d.unknownReason()).startsWith("not draining");
        assertThat(LagSampler.queueDrain(stuck.queues().get(0), 0.0)).isNull();
    }

    @Test
    void withoutTwoSamplesTheRateAndTheDrainTimeAreUnknown() {
        LagSampler s = sampler();
        GroupsApi.GroupDetail g = group(queue(0, 50, 10L));
        assertThat(s.drain("g", g).seconds()).isNull();
        assertThat(s.drain("g", g).unknownReason()).startsWith("no consume rate yet");
        s.record("g", 0, g);
        assertThat(s.drain("g", g).seconds()).isNull();
    }

    @Test
    void anOffsetResetBackwardsMakesTheRateUnknownNotNegative() {
        LagSampler s = sampler();
        s.record("g", 0, group(queue(0, 100, 90L)));
        GroupsApi.GroupDetail rewound = group(queue(0, 100, 0L));
        s.record("g", 10_000, rewound);

        LagSampler.Drain d = s.drain("g", rewound);

        assertThat(d.seconds()).isNull();
        assertThat(d.rate()).isNull();
        assertThat(d.unknownReason()).contains("moved back");
        assertThat(d.queueRates()).isEmpty();
    }

    @Test
    void aCaughtUpGroupDrainsInZeroButOneThatNeverCommittedIsUnknown() {
        LagSampler s = sampler();
        assertThat(s.drain("g", group(queue(0, 100, 100L))).seconds()).isZero();
        LagSampler.Drain never = s.drain("g", group(queue(0, 100, null)));
        assertThat(never.seconds()).isNull();
        assertThat(never.unknownReason()).isEqualTo(LagSampler.LAG_UNKNOWN);
    }

    @Test
    void theHistoryIsARingOfBoundedSizeOldestFirstAndGroupsNoLongerListedAreForgotten() {
        List<String> listed = new ArrayList<>(List.of("a", "b"));
        LagSampler s = new LagSampler(1_000, () -> listed, g -> group(queue(0, 7, 2L)));
        for (int i = 0; i < LagSampler.RING + 5; i++) {
            s.sampleOnce(i * 1_000L);
        }
        LagSampler.LagHistory h = s.history("a");
        assertThat(h.samples()).hasSize(LagSampler.RING);
        assertThat(h.samples().get(0).timeMs()).isEqualTo(5_000);
        assertThat(h.samples().get(LagSampler.RING - 1).timeMs()).isEqualTo((LagSampler.RING + 4) * 1_000L);
        assertThat(h.samples()).allSatisfy(p -> assertThat(p.lag()).isEqualTo(5));
        assertThat(s.sampledGroups()).isEqualTo(2);

        listed.remove("b");
        s.sampleOnce(1_000_000);
        assertThat(s.sampledGroups()).isEqualTo(1);
        assertThat(s.history("b").sampled()).isFalse();
        assertThat(s.history("b").samples()).isEmpty();
    }

    @Test
    void atMostMaxGroupsAreSampled() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < LagSampler.MAX_GROUPS + 10; i++) {
            many.add(String.format("g%05d", i));
        }
        LagSampler s = new LagSampler(1_000, () -> many, g -> group(queue(0, 1, 1L)));
        s.sampleOnce(0);
        assertThat(s.sampledGroups()).isEqualTo(LagSampler.MAX_GROUPS);
        assertThat(s.history(many.get(many.size() - 1)).sampled()).isFalse();
    }
}
