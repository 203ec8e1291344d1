package io.tidemq.client;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        ClientConfig c = ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").build();
        assertThat(c.instanceName()).isEqualTo("DEFAULT");
        assertThat(c.routeRefreshIntervalMs()).isEqualTo(30_000);
        assertThat(c.heartbeatIntervalMs()).isEqualTo(10_000);
        assertThat(c.rebalanceIntervalMs()).isEqualTo(20_000);
        assertThat(c.requestTimeoutMs()).isEqualTo(3_000);
        assertThat(c.retryTimesWhenSendFailed()).isEqualTo(2);
        assertThat(c.longPollingMs()).isEqualTo(15_000);
        assertThat(c.pullBatchSize()).isEqualTo(32);
        assertThat(c.consumeThreads()).isEqualTo(8);
        assertThat(c.pullThresholdForQueue()).isEqualTo(1000);
        assertThat(c.pullThresholdSizeForQueueMb()).isEqualTo(100);
        assertThat(c.offsetCommitIntervalMs()).isEqualTo(5_000);
        assertThat(c.maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void namesrvAddrsAreParsedInOrderIgnoringBlanks() {
        ClientConfig c = ClientConfig.builder().namesrvAddrs("a:1; b:2;").build();
        assertThat(c.namesrvAddressList()).containsExactly("a:1", "b:2");
    }

    @Test
    void namesrvAddrsAreSemicolonSeparatedWithIpv6InBrackets() {
        assertThat(ClientConfig.builder().namesrvAddrs("[::1]:9876;10.0.0.1:9876").build().namesrvAddressList())
                .containsExactly("[::1]:9876", "10.0.0.1:9876");
        // a comma used to pass as part of one address ("a:1,b" with port 2)
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("a:1,b:2").build())
                .isInstanceOf(ClientConfigException.class).hasMessageContaining("separate several addresses with ';'");
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("::1:9876").build())
                .isInstanceOf(ClientConfigException.class).hasMessageContaining("IPv6 address in brackets");
    }

    @Test
    void missingOrMalformedNamesrvAddrsAreRejectedWithAHint() {
        assertThatThrownBy(() -> ClientConfig.builder().build())
                .isInstanceOf(ClientConfigException.class).hasMessageContaining("namesrvAddrs is required");
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("host").build())
                .hasMessageContaining("'host' is not host:port");
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("host:70000").build())
                .hasMessageContaining("[1, 65535]");
    }

    @Test
    void outOfRangeValuesNameTheKeyAndTheRange() {
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("a:1").pullBatchSize(0).build())
                .isInstanceOf(ClientConfigException.class)
                .hasMessage("pullBatchSize must be in [1, 1024], was 0");
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("a:1").retryTimesWhenSendFailed(17).build())
                .hasMessage("retryTimesWhenSendFailed must be in [0, 16], was 17");
        assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("a:1").instanceName("a@b").build())
                .hasMessageContaining("instanceName 'a@b' contains '@'");
    }

    @Test
    void fromMapParsesKnownKeysAndRejectsUnknownOnes() {
        ClientConfig c = ClientConfig.fromMap(Map.of("namesrvAddrs", "a:1", "consumeThreads", "3",
                "offsetStoreDir", "/tmp/x"));
        assertThat(c.consumeThreads()).isEqualTo(3);
        assertThat(c.offsetStoreDir().toString()).isEqualTo("/tmp/x");
        assertThatThrownBy(() -> ClientConfig.fromMap(Map.of("namesrvAddrs", "a:1", "consumeThread", "3")))
                .hasMessageContaining("unknown client config key 'consumeThread'");
        assertThatThrownBy(() -> ClientConfig.fromMap(Map.of("namesrvAddrs", "a:1", "consumeThreads", "x")))
                .hasMessage("consumeThreads = 'x' is not a whole number; give a value in [1, 1024]");
    }

    @Test
    void toBuilderCopiesEveryKey() {
        ClientConfig c = ClientConfig.builder().namesrvAddrs("a:1").consumeBatchSize(7).faultAvoidanceMs(5).build();
        ClientConfig copy = c.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(c.toString());
    }

    @Test
    void clientIpMustBeAnIpv4LiteralBecauseTheUniqueIdsEncodeIt() {
        for (String bad : new String[] {"app-host.example", "10.0.0", "10.0.0.256", "::1", "10.0.0.1:80"}) {
            assertThatThrownBy(() -> ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").clientIp(bad).build())
                    .as(bad).isInstanceOf(ClientConfigException.class)
                    .hasMessageContaining("clientIp '" + bad + "'").hasMessageContaining("IPv4");
        }
        ClientConfig c = ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").clientIp("10.1.2.3").build();
        assertThat(c.clientIp()).isEqualTo("10.1.2.3");
        // the unique id starts with the address: 0A 01 02 03
        assertThat(new io.tidemq.client.producer.UniqueIdGenerator(c.clientIp()).next()).startsWith("0A010203");
    }
}
