package io.tidemq.client;

import io.tidemq.common.config.ConfigTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md's client table is the key table, row for row (design review §7, "6th"). */
class ClientConfigDocTest {

    @Test
    void theDocumentedTableIsTheKeyTable() throws IOException {
        assertThat(ConfigTable.documentedRows(ConfigTable.locateConfigurationDoc(), "## Client"))
                .containsExactlyElementsOf(ClientConfigKeys.TABLE.markdownRows());
    }

    @Test
    void theBuiltDefaultsAreTheKeyDefaults() {
        ClientConfig defaults = ClientConfig.builder().namesrvAddrs("a:1").build();

        assertThat(defaults.pullBatchSize()).isEqualTo(ClientConfigKeys.PULL_BATCH_SIZE.defaultValue());
        assertThat(defaults.consumeThreads()).isEqualTo(ClientConfigKeys.CONSUME_THREADS.defaultValue());
        assertThat(defaults.consumeTimeoutMs()).isEqualTo(ClientConfigKeys.CONSUME_TIMEOUT_MS.defaultValue());
        assertThat(defaults.instanceName()).isEqualTo(ClientConfigKeys.INSTANCE_NAME.defaultValue());
    }
}
