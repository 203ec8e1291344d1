package io.tidemq.console.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateSamplerTest {

    @Test
    void theFirstLookHasNoRateAndTheSecondDividesByTheTimeBetween() {
        RateSampler s = new RateSampler();

        assertThat(s.rate("b", 10_000, 100, 50).inPerSecond()).isNull();
        RateSampler.Rates r = s.rate("b", 12_000, 300, 60);
        assertThat(r.inPerSecond()).isEqualTo(100.0);
        assertThat(r.outPerSecond()).isEqualTo(5.0);
    }

    @Test
    void totalsThatWentDownMeanARestartAndGiveNoRate() {
        RateSampler s = new RateSampler();
        s.rate("b", 10_000, 100, 50);

        assertThat(s.rate("b", 11_000, 5, 1).inPerSecond()).isNull();
        assertThat(s.rate("b", 12_000, 15, 1).inPerSecond()).isEqualTo(10.0);
    }
}
