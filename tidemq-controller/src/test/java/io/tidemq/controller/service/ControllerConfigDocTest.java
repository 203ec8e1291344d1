package io.tidemq.controller.service;

import io.tidemq.common.config.ConfigTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/configuration.md's Controller table is the key table, row for row; bad values name their key. */
class ControllerConfigDocTest {

    @Test
    void theDocumentedTableIsTheKeyTable() throws IOException {
        assertThat(ConfigTable.documentedRows(ConfigTable.locateConfigurationDoc(), "## Controller"))
                .containsExactlyElementsOf(ControllerConfigKeys.TABLE.markdownRows());
    }

    @Test
    void propertiesBindAndBadValuesNameTheirKey() {
        Properties p = new Properties();
        p.setProperty("controllerId", "c1");
        p.setProperty("controllerPeers", "c0@127.0.0.1:9870,c1@127.0.0.1:9871,c2@127.0.0.1:9872");
        p.setProperty("masterLeaseMs", "2000");
        ControllerConfig c = ControllerConfig.fromProperties(p);
        assertThat(c.peers()).hasSize(3);
        assertThat(c.toNodeConfig().raft().self().raftPort()).isEqualTo(9871);
        assertThat(c.masterLeaseMs()).isEqualTo(2000);

        p.setProperty("controllerId", "c9");
        assertThatThrownBy(() -> ControllerConfig.fromProperties(p)).isInstanceOf(ControllerConfigException.class)
                .hasMessageContaining("c9");
        p.setProperty("controllerId", "c1");
        p.setProperty("controllerPeers", "c0@127.0.0.1");
        assertThatThrownBy(() -> ControllerConfig.fromProperties(p)).hasMessageContaining("id@host:port");
        p.setProperty("controllerPeers", "c1@127.0.0.1:9871");
        p.setProperty("masterLeaseMs", "50");
        assertThatThrownBy(() -> ControllerConfig.fromProperties(p)).hasMessageContaining("masterLeaseMs");
        p.setProperty("masterLeaseMs", "2000");
        p.setProperty("controllerScanIntervalMs", "3000");
        assertThatThrownBy(() -> ControllerConfig.fromProperties(p)).hasMessageContaining("controllerScanIntervalMs");
    }
}
