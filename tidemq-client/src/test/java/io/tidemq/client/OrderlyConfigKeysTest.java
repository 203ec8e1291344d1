package io.tidemq.client;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client keys of ordered consumption and of retries. */
class OrderlyConfigKeysTest {

    private static ClientConfig.Builder base() {
        return ClientConfig.builder().namesrvAddrs("127.0.0.1:9876");
    }

    @Test
    void defaultsMatchTheDocumentation() {
        ClientConfig c = base().build();
        assertThat(c.maxReconsumeTimes()).isEqualTo(16);
        assertThat(c.suspendCurrentQueueTimeMs()).isEqualTo(1_000);
        assertThat(c.lockRenewIntervalMs()).isEqualTo(20_000);
    }

    @Test
    void keysAreReadFromAMapAndSurviveACopy() {
        ClientConfig c = ClientConfig.fromMap(Map.of("namesrvAddrs", "127.0.0.1:9876", "maxReconsumeTimes", "3",
                "suspendCurrentQueueTimeMs", "250", "lockRenewIntervalMs", "5000"));
        ClientConfig copy = c.toBuilder().build();
        for (ClientConfig x : new ClientConfig[] {c, copy}) {
            assertThat(x.maxReconsumeTimes()).isEqualTo(3);
            assertThat(x.suspendCurrentQueueTimeMs()).isEqualTo(250);
            assertThat(x.lockRenewIntervalMs()).isEqualTo(5_000);
        }
    }

    @Test
    void outOfRangeValuesNameTheKeyAndTheRange() {
        assertThatThrownBy(() -> base().lockRenewIntervalMs(5).build()).isInstanceOf(ClientConfigException.class)
                .hasMessageContaining("lockRenewIntervalMs").hasMessageContaining("[10, 3600000]");
        assertThatThrownBy(() -> base().suspendCurrentQueueTimeMs(-1).build())
                .isInstanceOf(ClientConfigException.class).hasMessageContaining("suspendCurrentQueueTimeMs");
        assertThatThrownBy(() -> base().maxReconsumeTimes(1_001).build()).isInstanceOf(ClientConfigException.class)
                .hasMessageContaining("maxReconsumeTimes").hasMessageContaining("[0, 1000]");
    }
}
