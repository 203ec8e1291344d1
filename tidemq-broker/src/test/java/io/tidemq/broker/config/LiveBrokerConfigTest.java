package io.tidemq.broker.config;

import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.store.api.StoreConfigKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveBrokerConfigTest {

    private final BrokerConfig initial = BrokerConfig.builder().brokerName("b1").brokerIp("127.0.0.1")
            .storePath(Path.of("/tmp/unused")).maxPullMessages(32).storeProperty("retentionHours", "12").build();
    private final LiveBrokerConfig live = new LiveBrokerConfig(initial);

    @Test
    void aDynamicKeyChangesTheConfigurationInForceAndKeepsEveryOtherKey() {
        BrokerConfig before = live.update(Map.of("maxPullMessages", "7", "autoCreateTopic", "false"));

        assertThat(before).isSameAs(initial);
        assertThat(live.get().maxPullMessages()).isEqualTo(7);
        assertThat(live.get().autoCreateTopic()).isFalse();
        assertThat(live.get().brokerName()).isEqualTo("b1");
        assertThat(live.get().storeProperties()).containsEntry("retentionHours", "12");
        assertThat(live.snapshot(Map.of()).entry("maxPullMessages").value()).isEqualTo("7");
    }

    @Test
    void aKeyThatNeedsARestartIsRefusedAndNothingChanges() {
        Map<String, String> updates = new LinkedHashMap<>();
        updates.put("maxPullMessages", "7");
        updates.put("listenPort", "1234");

        assertThatThrownBy(() -> live.update(updates)).isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("[listenPort] takes effect only when the broker starts")
                .hasMessageContaining("properties file").hasMessageContaining("nothing was changed");
        assertThatThrownBy(() -> live.update(Map.of("retentionHours", "1")))
                .hasMessageContaining("[retentionHours] takes effect only when the broker starts");
        assertThat(live.get()).isSameAs(initial);
    }

    @Test
    void anUnknownKeyOrABadValueIsRefusedNamingItAndNothingChanges() {
        assertThatThrownBy(() -> live.update(Map.of("maxPullMesages", "7")))
                .hasMessageContaining("unknown broker config key(s) [maxPullMesages]");
        Map<String, String> updates = new LinkedHashMap<>();
        updates.put("autoCreateTopic", "false");
        updates.put("maxPullMessages", "0");
        assertThatThrownBy(() -> live.update(updates)).isInstanceOf(BrokerConfigException.class)
                .hasMessageContaining("maxPullMessages must be in [1, ");
        assertThat(live.get()).isSameAs(initial);
    }

    @Test
    void theSnapshotHasEveryBrokerAndStoreKeyInDocumentationOrderWithWhatChangesLive() {
        assertThat(LiveBrokerConfig.missingValues(BrokerConfigKeys.TABLE, initial)).isEmpty();
        ConfigSnapshot s = live.snapshot(Map.of("listenPort", "40001"));

        assertThat(s.role()).isEqualTo("broker");
        assertThat(s.entries()).extracting(ConfigSnapshot.Entry::key).containsSubsequence(
                BrokerConfigKeys.TABLE.names().toArray(String[]::new));
        assertThat(s.entries()).extracting(ConfigSnapshot.Entry::key).containsAll(StoreConfigKeys.TABLE.names());
        assertThat(s.entry("listenPort").value()).isEqualTo("40001");
        assertThat(s.entry("listenPort").dynamic()).isFalse();
        assertThat(s.entry("maxPullMessages").dynamic()).isTrue();
        assertThat(s.entry("maxPullMessages").value()).isEqualTo("32");
        assertThat(s.entry("retentionHours").value()).isEqualTo("12");
        assertThat(s.entry("brokerRole").value()).isEqualTo("MASTER");
        assertThat(s.entries()).filteredOn(ConfigSnapshot.Entry::dynamic).extracting(ConfigSnapshot.Entry::key)
                .containsExactlyInAnyOrderElementsOf(LiveBrokerConfig.DYNAMIC_KEYS);
    }
}
