package io.tidemq.broker.lock;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.config.BrokerConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker key of the queue lock lease. */
class RebalanceLockConfigTest {

    @Test
    void theLeaseDefaultsToOneMinuteAndIsReadFromAPropertiesFile() {
        assertThat(BrokerConfig.builder().storePath(Path.of("x")).build().rebalanceLockMaxLiveMs()).isEqualTo(60_000);
        Properties p = new Properties();
        p.setProperty("rebalanceLockMaxLiveMs", "15000");
        BrokerConfig c = BrokerConfig.fromProperties(p);
        assertThat(c.rebalanceLockMaxLiveMs()).isEqualTo(15_000);
        assertThat(c.toBuilder().build().rebalanceLockMaxLiveMs()).isEqualTo(15_000);
    }

    @Test
    void anOutOfRangeLeaseNamesTheKey() {
        assertThatThrownBy(() -> BrokerConfig.builder().storePath(Path.of("x")).rebalanceLockMaxLiveMs(99).build())
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("rebalanceLockMaxLiveMs");
        Properties p = new Properties();
        p.setProperty("rebalanceLockMaxLiveMs", "0");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(p)).isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("rebalanceLockMaxLiveMs");
    }
}
