package io.tidemq.store;

import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.StoreConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {

    private final Path dir = Path.of("/tmp/unused");

    @Test
    void defaultsMatchTheDocumentedValues() {
        StoreConfig config = StoreConfig.builder(dir).build();
        assertThat(config.commitLogFileBytes()).isEqualTo(1 << 30);
        assertThat(config.consumeQueueEntriesPerFile()).isEqualTo(300_000);
        assertThat(config.flushMode()).isEqualTo(FlushMode.ASYNC);
        assertThat(config.flushIntervalMs()).isEqualTo(500);
        assertThat(config.flushLeastPages()).isEqualTo(4);
        assertThat(config.syncFlushTimeoutMs()).isEqualTo(5000);
        assertThat(config.retentionHours()).isEqualTo(72);
        assertThat(config.diskMaxUsedRatio()).isEqualTo(0.85);
        assertThat(config.maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.warmMappedFiles()).isTrue();
        assertThat(config.commitLogDir()).isEqualTo(dir.resolve("commitlog"));
    }

    @Test
    void invalidValuesNameTheKeyAndTheAllowedRange() {
        assertThatThrownBy(() -> StoreConfig.builder(dir).flushIntervalMs(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("flushIntervalMs must be in [1, 60000], was 0");
        assertThatThrownBy(() -> StoreConfig.builder(dir).diskMaxUsedRatio(1.5).build())
                .hasMessageContaining("diskMaxUsedRatio");
        assertThatThrownBy(() -> StoreConfig.builder(dir).commitLogFileBytes(100_000).build())
                .hasMessageContaining("multiple of 4096");
        assertThatThrownBy(() -> StoreConfig.builder(dir).commitLogFileBytes(64 * 1024).build())
                .hasMessageContaining("lower maxMessageBytes to at most");
    }
}
