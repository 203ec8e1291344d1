package io.tidemq.broker.config;

import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.HaConfig;
import io.tidemq.broker.ha.ReplicationMode;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaConfigLoadingTest {

    private static Properties props(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void replicationIsOffByDefault() {
        HaConfig ha = BrokerConfig.fromProperties(props()).haConfig();
        assertThat(ha.enabled()).isFalse();
        assertThat(ha.role()).isEqualTo(BrokerRole.MASTER);
    }

    @Test
    void everyReplicationKeyIsRead() {
        HaConfig ha = BrokerConfig.fromProperties(props("brokerRole", "slave", "haMasterAddress", "10.0.0.1:10912",
                "replicationMode", "SYNC", "minInSyncReplicas", "3", "replicaLagMaxMs", "2000",
                "replicaAckTimeoutMs", "700", "haTransferBatchBytes", "131072", "haFetchMaxWaitMs", "200",
                "haAdoptExistingStore", "true", "haListenPort", "10912", "truncatedBackup", "true")).haConfig();
        assertThat(ha).isEqualTo(new HaConfig(BrokerRole.SLAVE, 10912, "10.0.0.1:10912", ReplicationMode.SYNC, 3,
                2000, 700, 131072, 200, true, true));
    }

    @Test
    void aSlaveWithoutMasterAddressIsRefusedWithTheKeyToSet() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("brokerRole", "SLAVE")))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("haMasterAddress");
        // the one address parser (HostPort): "host:port" with a numeric port in [1, 65535]
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("brokerRole", "SLAVE", "haMasterAddress", "master:x")))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("haMasterAddress 'master:x'")
                .hasMessageContaining("numeric port");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("replicationMode", "SYNC")))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("haListenPort");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("brokerRole", "LEADER")))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("MASTER or SLAVE");
    }
}
