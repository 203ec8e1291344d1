package io.tidemq.namesrv.config;

import io.tidemq.common.config.ConfigTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md's NameServer table is the key table, row for row (design review §7, "6th"). */
class NamesrvConfigDocTest {

    @Test
    void theDocumentedTableIsTheKeyTable() throws IOException {
        assertThat(ConfigTable.documentedRows(ConfigTable.locateConfigurationDoc(), "## NameServer"))
                .containsExactlyElementsOf(NamesrvConfigKeys.TABLE.markdownRows());
    }

    @Test
    void theDefaultsAreTheKeyTableDefaults() {
        NamesrvConfig defaults = NamesrvConfig.defaults();

        assertThat(defaults.listenPort()).isEqualTo(NamesrvConfigKeys.LISTEN_PORT.defaultValue());
        assertThat(defaults.bindAddress()).isEqualTo(NamesrvConfigKeys.BIND_ADDRESS.defaultValue());
        assertThat(defaults.brokerExpireMs()).isEqualTo(NamesrvConfigKeys.BROKER_EXPIRE_MS.defaultValue());
        assertThat(defaults.scanIntervalMs()).isEqualTo(NamesrvConfigKeys.SCAN_INTERVAL_MS.defaultValue());
        assertThat(defaults.requestThreads()).isEqualTo(NamesrvConfigKeys.REQUEST_THREADS.defaultValue());
        assertThat(defaults.eventQueueCapacity()).isEqualTo(NamesrvConfigKeys.EVENT_QUEUE_CAPACITY.defaultValue());
    }
}
