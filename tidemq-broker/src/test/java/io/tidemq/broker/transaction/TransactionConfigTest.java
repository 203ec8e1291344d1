package io.tidemq.broker.transaction;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.config.BrokerConfigException;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionConfigTest {

    @Test
    void transactionKeysDefaultToTheDocumentedValues() {
        BrokerConfig c = BrokerConfig.fromProperties(new Properties());

        assertThat(c.transactionCheckIntervalMs()).isEqualTo(60_000);
        assertThat(c.transactionTimeoutMs()).isEqualTo(6_000);
        assertThat(c.transactionCheckMax()).isEqualTo(15);
    }

    @Test
    void transactionKeysAreReadCopiedAndRangeChecked() {
        Properties p = new Properties();
        p.setProperty("transactionCheckIntervalMs", "500");
        p.setProperty("transactionTimeoutMs", "1000");
        p.setProperty("transactionCheckMax", "3");
        BrokerConfig c = BrokerConfig.fromProperties(p).toBuilder().build();

        assertThat(c.transactionCheckIntervalMs()).isEqualTo(500);
        assertThat(c.transactionTimeoutMs()).isEqualTo(1_000);
        assertThat(c.transactionCheckMax()).isEqualTo(3);
        assertThatThrownBy(() -> BrokerConfig.builder().transactionCheckMax(0).build())
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("transactionCheckMax")
                .hasMessageContaining("[1, 1000]");
        assertThatThrownBy(() -> BrokerConfig.builder().transactionCheckIntervalMs(5).build())
                .hasMessageContaining("transactionCheckIntervalMs");
        assertThatThrownBy(() -> BrokerConfig.builder().transactionTimeoutMs(-1).build())
                .hasMessageContaining("transactionTimeoutMs");
    }
}
