package io.tidemq.broker.config;

import io.tidemq.common.config.ConfigTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md's broker table is the key table, row for row (design review §7, "6th"). */
class BrokerConfigDocTest {

    @Test
    void theDocumentedTableIsTheKeyTable() throws IOException {
        assertThat(ConfigTable.documentedRows(ConfigTable.locateConfigurationDoc(), "## Broker"))
                .containsExactlyElementsOf(BrokerConfigKeys.TABLE.markdownRows());
    }

    @Test
    void everyKeyDefaultIsTheBuiltDefault() {
        BrokerConfig defaults = BrokerConfig.builder().build();

        assertThat(defaults.listenPort()).isEqualTo(BrokerConfigKeys.LISTEN_PORT.defaultValue());
        assertThat(defaults.maxMessageBytes()).isEqualTo(BrokerConfigKeys.MAX_MESSAGE_BYTES.defaultValue());
        assertThat(defaults.flushMode()).isEqualTo(BrokerConfigKeys.FLUSH_MODE.defaultValue());
        assertThat(defaults.storePath().toString()).isEqualTo(BrokerConfigKeys.STORE_PATH.defaultValue());
        assertThat(defaults.timerSettings().maxDelayMs()).isEqualTo(BrokerConfigKeys.TIMER_MAX_DELAY_MS.defaultValue());
        assertThat(defaults.retryBackoffSchedule().toString())
                .isEqualTo(BrokerConfigKeys.RETRY_BACKOFF_SCHEDULE.defaultValue());
    }

    @Test
    void aFileValueOutOfTheKeysRangeIsRefusedNamingKeyAndRange() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("maxPullMessages", "0");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BrokerConfig.fromProperties(p))
                .isInstanceOf(BrokerConfigException.class)
                .hasMessage("maxPullMessages must be in [1, 10000], was 0");
    }
}
