package io.tidemq.broker.config;

import io.tidemq.store.api.FlushMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerConfigTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsMatchTheDocumentedValues() {
        BrokerConfig c = BrokerConfig.fromProperties(props());

        assertThat(c.brokerClusterName()).isEqualTo("DefaultCluster");
        assertThat(c.brokerName()).isEqualTo("broker-a");
        assertThat(c.brokerId()).isZero();
        assertThat(c.listenPort()).isEqualTo(10911);
        assertThat(c.autoCreateTopic()).isFalse();
        assertThat(c.defaultTopicQueueNums()).isEqualTo(8);
        assertThat(c.maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.registerIntervalMs()).isEqualTo(30_000);
        assertThat(c.clientExpireMs()).isEqualTo(120_000);
        assertThat(c.offsetFlushIntervalMs()).isEqualTo(5_000);
        assertThat(c.flushMode()).isEqualTo(FlushMode.ASYNC);
        assertThat(c.namesrvAddrs()).isEmpty();
        assertThat(c.brokerIp()).isNotBlank();
        assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void readsEveryKindOfValue() {
        BrokerConfig c = BrokerConfig.fromProperties(props(
                "brokerName", "broker-b", "brokerId", "1", "listenPort", "0", "brokerIp", "10.1.2.3",
                "bindAddress", "10.1.2.3",
                "namesrvAddrs", "10.0.0.1:9876; 10.0.0.2:9876;", "storePath", "/var/tidemq",
                "flushMode", "sync", "autoCreateTopic", "true", "maxMessageBytes", "1_048_576"));

        assertThat(c.brokerName()).isEqualTo("broker-b");
        assertThat(c.brokerId()).isEqualTo(1);
        assertThat(c.listenPort()).isZero();
        assertThat(c.brokerIp()).isEqualTo("10.1.2.3");
        assertThat(c.bindAddress()).isEqualTo("10.1.2.3");
        assertThat(c.namesrvAddrs()).containsExactly("10.0.0.1:9876", "10.0.0.2:9876");
        assertThat(c.storePath()).isEqualTo(Path.of("/var/tidemq"));
        assertThat(c.configDir()).isEqualTo(Path.of("/var/tidemq/config"));
        assertThat(c.flushMode()).isEqualTo(FlushMode.SYNC);
        assertThat(c.autoCreateTopic()).isTrue();
        assertThat(c.maxMessageBytes()).isEqualTo(1 << 20);
    }

    @Test
    void unknownKeysArePassedToTheStore() {
        BrokerConfig c = BrokerConfig.fromProperties(props("commitLogFileBytes", "1048576", "brokerName", "b"));

        assertThat(c.storeProperties()).isEqualTo(Map.of("commitLogFileBytes", "1048576"));
    }

    @Test
    void errorsNameTheKeyAndTheAllowedRange() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("listenPort", "70000")))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("listenPort")
                .hasMessageContaining("[0, 65535]");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("registerIntervalMs", "soon")))
                .hasMessageContaining("registerIntervalMs").hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("autoCreateTopic", "yes")))
                .hasMessageContaining("autoCreateTopic").hasMessageContaining("true or false");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("flushMode", "sometimes")))
                .hasMessageContaining("ASYNC or SYNC");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("namesrvAddrs", "localhost")))
                .hasMessageContaining("namesrvAddrs").hasMessageContaining("host:port");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("brokerName", "a/b")))
                .hasMessageContaining("brokerName");
        assertThatThrownBy(() -> BrokerConfig.builder().defaultTopicQueueNums(0).build())
                .hasMessageContaining("defaultTopicQueueNums").hasMessageContaining("[1, 1024]");
    }

    @Test
    void toBuilderCopiesEveryKey() {
        BrokerConfig c = BrokerConfig.builder().brokerName("x").listenPort(0).namesrvAddrs(List.of("h:1"))
                .maxMessageBytes(1234).storeProperty("flushIntervalMs", "10").build();

        BrokerConfig copy = c.toBuilder().build();

        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(copy.storeProperties()).isEqualTo(c.storeProperties());
    }

    @Test
    void haAdvertisedAddressDefaultsToBrokerIpAndHaListenPortAndIsCheckedAsHostPort() {
        BrokerConfig byDefault = BrokerConfig.fromProperties(props("brokerIp", "10.0.0.7", "haListenPort", "10912"));
        assertThat(byDefault.haAdvertisedAddress()).isEqualTo("10.0.0.7:10912");
        assertThat(byDefault.toBuilder().brokerIp("10.0.0.8").build().haAdvertisedAddress())
                .as("the default follows brokerIp in a copy").isEqualTo("10.0.0.8:10912");
        assertThat(BrokerConfig.fromProperties(props("haListenPort", "-1")).haAdvertisedAddress())
                .as("replication off: nothing to announce").isEmpty();

        BrokerConfig natted = BrokerConfig.fromProperties(props("brokerIp", "172.17.0.2", "haListenPort", "10912",
                "haAdvertisedAddress", " gw.example:31912 "));
        assertThat(natted.haAdvertisedAddress()).isEqualTo("gw.example:31912");
        assertThat(natted.toBuilder().brokerIp("172.17.0.3").build().haAdvertisedAddress())
                .as("a given address is kept in a copy").isEqualTo("gw.example:31912");
        assertThat(LiveBrokerConfig.values(natted)).containsEntry("haAdvertisedAddress", "gw.example:31912");

        assertThatThrownBy(() -> BrokerConfig.fromProperties(props("haListenPort", "10912",
                "haAdvertisedAddress", "gw.example")))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("haAdvertisedAddress")
                .hasMessageContaining("host:port");
    }
}
