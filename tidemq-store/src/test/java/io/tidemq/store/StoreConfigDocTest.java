package io.tidemq.store;

import io.tidemq.common.config.ConfigTable;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreConfigKeys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md's store table is the key table, row for row (design review §7, "6th"). */
class StoreConfigDocTest {

    @Test
    void theDocumentedTableIsTheKeyTable() throws IOException {
        assertThat(ConfigTable.documentedRows(ConfigTable.locateConfigurationDoc(), "## Store"))
                .containsExactlyElementsOf(StoreConfigKeys.TABLE.markdownRows());
    }

    @Test
    void theBuiltDefaultsAreTheKeyDefaults() {
        StoreConfig defaults = StoreConfig.builder(Path.of("store")).build();

        assertThat(defaults.commitLogFileBytes()).isEqualTo(StoreConfigKeys.COMMIT_LOG_FILE_BYTES.defaultValue());
        assertThat(defaults.flushIntervalMs()).isEqualTo(StoreConfigKeys.FLUSH_INTERVAL_MS.defaultValue());
        assertThat(defaults.retentionHours()).isEqualTo(StoreConfigKeys.RETENTION_HOURS.defaultValue());
        assertThat(defaults.diskMaxUsedRatio()).isEqualTo(StoreConfigKeys.DISK_MAX_USED_RATIO.defaultValue());
        assertThat(defaults.maxScanEntriesPerGet()).isEqualTo(StoreConfigKeys.MAX_SCAN_ENTRIES_PER_GET.defaultValue());
    }
}
