package io.tidemq.broker.stats;

import io.tidemq.common.protocol.body.TopicRates;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRateStatsTest {

    private final AtomicLong clock = new AtomicLong(5_000_000);
    private final TopicRateStats stats = new TopicRateStats(clock::get);

    @Test
    void eachIntervalGivesTheTopicsMessagesInAndOutPerSecond() {
        long t0 = clock.get();
        stats.stored("orders", 100);
        stats.stored("orders", 50);
        stats.delivered("orders", 30);
        stats.roll(t0 + 10_000, t -> true);
        stats.stored("orders", 20);
        stats.roll(t0 + 20_000, t -> true);

        List<TopicRates.Sample> s = stats.rates("orders");
        assertThat(s).containsExactly(new TopicRates.Sample(t0, t0 + 10_000, 15.0, 3.0),
                new TopicRates.Sample(t0 + 10_000, t0 + 20_000, 2.0, 0.0));
        assertThat(stats.rates("unknown")).isEmpty();
    }

    @Test
    void theRingKeepsTheLastCapacitySamplesOldestFirst() {
        long t0 = clock.get();
        for (int i = 1; i <= TopicRateStats.CAPACITY + 5; i++) {
            stats.stored("t", i * 10);
            stats.roll(t0 + i * 1_000L, t -> true);
        }
        List<TopicRates.Sample> s = stats.rates("t");
        assertThat(s).hasSize(TopicRateStats.CAPACITY);
        assertThat(s.get(0).inPerSecond()).isEqualTo(60.0); // the 6th interval: 60 messages in 1 s
        assertThat(s.get(s.size() - 1).endMs()).isEqualTo(t0 + (TopicRateStats.CAPACITY + 5) * 1_000L);
    }

    @Test
    void aDeletedTopicIsForgottenAtTheNextRoll() {
        stats.stored("kept", 1);
        stats.stored("deleted", 1);
        stats.roll(clock.get() + 1_000, Set.of("kept")::contains);
        assertThat(stats.rates("deleted")).isEmpty();
        assertThat(stats.rates("kept")).hasSize(1);
        assertThat(stats.topicCount()).isEqualTo(1);
    }
}
