package io.tidemq.broker.config;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryBackoffScheduleTest {

    @Test
    void defaultScheduleHasSixteenStepsFromTenSecondsToTwoHours() {
        RetryBackoffSchedule s = RetryBackoffSchedule.defaults();

        assertThat(s.steps()).isEqualTo(16);
        assertThat(s.delayMs(1)).isEqualTo(10_000);
        assertThat(s.delayMs(2)).isEqualTo(30_000);
        assertThat(s.delayMs(3)).isEqualTo(60_000);
        assertThat(s.delayMs(16)).isEqualTo(7_200_000);
        assertThat(s.longestDelayMs()).isEqualTo(7_200_000);
    }

    @Test
    void everyUnitIsUnderstoodAndSpacesOrCommasSeparate() {
        RetryBackoffSchedule s = RetryBackoffSchedule.parse(" 250ms, 2s  3m,1h ");

        assertThat(s.delaysMs()).containsExactly(250L, 2_000L, 180_000L, 3_600_000L);
        assertThat(s).hasToString("250ms 2s 3m 1h");
    }

    @Test
    void retriesPastTheEndWaitTheLastStepAndTheFirstRetryWaitsTheFirst() {
        RetryBackoffSchedule s = RetryBackoffSchedule.parse("1s 1s 2s");

        assertThat(s.delayMs(0)).isEqualTo(1_000);
        assertThat(s.delayMs(1)).isEqualTo(1_000);
        assertThat(s.delayMs(3)).isEqualTo(2_000);
        assertThat(s.delayMs(40)).isEqualTo(2_000);
    }

    @Test
    void malformedOrOutOfRangeEntriesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> RetryBackoffSchedule.parse("10s 5x"))
                .isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("retryBackoffSchedule").hasMessageContaining("'5x'").hasMessageContaining("ms, s, m or h");
        assertThatThrownBy(() -> RetryBackoffSchedule.parse("s")).hasMessageContaining("retryBackoffSchedule");
        assertThatThrownBy(() -> RetryBackoffSchedule.parse("0s")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> RetryBackoffSchedule.parse("200h")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> RetryBackoffSchedule.parse("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RetryBackoffSchedule.parse("1s ".repeat(65)))
                .hasMessageContaining("at most 64");
    }

    @Test
    void brokerConfigReadsTheScheduleFromItsPropertiesFile() {
        Properties p = new Properties();
        p.setProperty("storePath", "/tmp/unused");
        p.setProperty("retryBackoffSchedule", "1s 1s 2s");

        BrokerConfig config = BrokerConfig.fromProperties(p);

        assertThat(config.retryBackoffSchedule().delaysMs()).containsExactly(1_000L, 1_000L, 2_000L);
        assertThat(config.toBuilder().build().retryBackoffSchedule()).hasToString("1s 1s 2s");
        assertThat(BrokerConfig.builder().build().retryBackoffSchedule()).hasToString(RetryBackoffSchedule.DEFAULT);
    }

    @Test
    void aStepLongerThanTheTimerAcceptsIsRejected() {
        assertThatThrownBy(() -> BrokerConfig.builder().timerMaxDelayMs(60_000).retryBackoffSchedule("10s 2m").build())
                .isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("retryBackoffSchedule").hasMessageContaining("timerMaxDelayMs");
    }
}
