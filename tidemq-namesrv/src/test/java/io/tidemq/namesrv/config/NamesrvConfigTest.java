package io.tidemq.namesrv.config;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesrvConfigTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        NamesrvConfig config = NamesrvConfig.defaults();

        assertThat(config.listenPort()).isEqualTo(9876);
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.brokerExpireMs()).isEqualTo(120_000);
        assertThat(config.scanIntervalMs()).isEqualTo(5_000);
        assertThat(config.requestThreads()).isEqualTo(4);
        assertThat(config.eventQueueCapacity()).isEqualTo(10_000);
        assertThat(config.metricsPort()).isEqualTo(-1);
    }

    @Test
    void propertiesNamedAfterFieldsOverrideDefaultsAndValuesAreTrimmed() {
        Properties p = new Properties();
        p.setProperty("listenPort", " 19876 ");
        p.setProperty("bindAddress", "127.0.0.1");
        p.setProperty("brokerExpireMs", "60000");
        p.setProperty("scanIntervalMs", "1000");
        p.setProperty("requestThreads", "2");
        p.setProperty("eventQueueCapacity", "500");

        NamesrvConfig config = NamesrvConfig.fromProperties(p);

        assertThat(config).isEqualTo(new NamesrvConfig(19876, "127.0.0.1", 60_000, 1_000, 2, 500));
    }

    @Test
    void everyKeyFromPropertiesIsListedInKeyNames() {
        assertThat(NamesrvConfig.keyNames()).containsExactly("listenPort", "bindAddress", "brokerExpireMs",
                "scanIntervalMs", "requestThreads", "eventQueueCapacity", "metricsPort", "namesrvReplicationMode",
                "namesrvPrimary", "namesrvPeers", "namesrvSelfAddr", "namesrvSemiSyncAcks", "namesrvBackupLagMaxMs",
                "namesrvOpRingSize");
    }

    @Test
    void unknownKeyIsRejectedWithTheKnownKeys() {
        Properties p = new Properties();
        p.setProperty("brokerExpiryMs", "1000");

        assertThatThrownBy(() -> NamesrvConfig.fromProperties(p))
                .isInstanceOf(NamesrvConfigException.class)
                .hasMessageContaining("unknown NameServer config key 'brokerExpiryMs'")
                .hasMessageContaining("brokerExpireMs");
    }

    @Test
    void nonNumericValueNamesTheKeyAndTheValue() {
        Properties p = new Properties();
        p.setProperty("scanIntervalMs", "5s");

        assertThatThrownBy(() -> NamesrvConfig.fromProperties(p))
                .isInstanceOf(NamesrvConfigException.class)
                .hasMessage("scanIntervalMs = '5s' is not a whole number; give a value in [10, 86400000]");
    }

    @Test
    void outOfRangeValuesNameTheKeyAndTheAllowedRange() {
        assertThatThrownBy(() -> NamesrvConfig.builder().listenPort(70_000).build())
                .isInstanceOf(NamesrvConfigException.class)
                .hasMessage("listenPort must be in [0, 65535], was 70000");
        assertThatThrownBy(() -> NamesrvConfig.builder().brokerExpireMs(10).build())
                .hasMessageContaining("brokerExpireMs must be in [100, 86400000]");
        assertThatThrownBy(() -> NamesrvConfig.builder().requestThreads(0).build())
                .hasMessageContaining("requestThreads must be in [1, 256]");
        assertThatThrownBy(() -> NamesrvConfig.builder().bindAddress(" ").build())
                .hasMessageContaining("bindAddress");
    }

    @Test
    void scanIntervalMayNotExceedBrokerExpiry() {
        assertThatThrownBy(() -> NamesrvConfig.builder().brokerExpireMs(1_000).scanIntervalMs(2_000).build())
                .isInstanceOf(NamesrvConfigException.class)
                .hasMessageContaining("scanIntervalMs must be between 10 and brokerExpireMs (1000), was 2000");
    }

    @Test
    void toBuilderCopiesEveryValue() {
        NamesrvConfig config = new NamesrvConfig(0, "127.0.0.1", 300, 20, 1, 64);

        assertThat(config.toBuilder().build()).isEqualTo(config);
    }
}
