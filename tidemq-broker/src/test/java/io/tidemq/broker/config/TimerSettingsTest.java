package io.tidemq.broker.config;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimerSettingsTest {

    @Test
    void timerKeysAreReadFromABrokerFileWithTheirDefaults() {
        Properties p = new Properties();
        p.setProperty("storePath", "/tmp/x");
        p.setProperty("timerMaxDelayMs", "7_200_000");
        p.setProperty("timerPrecisionMs", "500");

        TimerSettings s = BrokerConfig.fromProperties(p).timerSettings();

        assertThat(s.maxDelayMs()).isEqualTo(7_200_000);
        assertThat(s.precisionMs()).isEqualTo(500);
        assertThat(s.lookAheadMs()).isEqualTo(TimerSettings.DEFAULT_LOOK_AHEAD_MS);
        assertThat(s.enabled()).isTrue();
        assertThat(s.slotCount()).isEqualTo(2 * (int) (TimerSettings.DEFAULT_ROLL_WINDOW_MS / 500) + 16);
    }

    @Test
    void anOutOfRangeKeyIsNamedWithItsRange() {
        assertThatThrownBy(() -> BrokerConfig.builder().timerPrecisionMs(5).build())
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("timerPrecisionMs = 5")
                .hasMessageContaining("[10, 60000]");
        assertThatThrownBy(() -> BrokerConfig.builder().timerLookAheadMs(500).build())
                .hasMessageContaining("timerLookAheadMs = 500").hasMessageContaining("[1000, 600000]");
    }

    @Test
    void theRollWindowMustFitInHalfTheCommitLogRetention() {
        TimerSettings s = TimerSettings.defaults();

        s.checkAgainstRetention(48);
        assertThatThrownBy(() -> s.checkAgainstRetention(47))
                .isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("timerRollWindowMs").hasMessageContaining("retentionHours = 47");
    }
}
