package io.tidemq.broker.processor;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.common.message.MessageExt;
import io.tidemq.store.api.FlushMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Sends behave the same whichever thread runs them (sendOnIoThread) and whichever thread completes the put. */
class SendThreadingTest {

    @TempDir
    Path dir;

    @Test
    void sendsOnTheIoThreadAreStoredAndAnsweredByDefault() {
        assertThat(BrokerConfig.builder().build().sendOnIoThread()).isTrue();
        assertSendsRoundTrip(b -> b);
    }

    @Test
    void sendsOnTheSendExecutorAreStoredAndAnswered() {
        assertSendsRoundTrip(b -> b.sendOnIoThread(false));
    }

    @Test
    void syncFlushSendsOnTheIoThreadAreAnsweredFromTheFlushThread() {
        // the I/O thread must not wait for the flush: the answer is written once the flush thread completes the put
        assertSendsRoundTrip(b -> b.sendOnIoThread(true).flushMode(FlushMode.SYNC));
    }

    @Test
    void theKeyIsReadFromProperties() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("sendOnIoThread", "false");
        assertThat(BrokerConfig.fromProperties(p).sendOnIoThread()).isFalse();
        assertThat(BrokerConfig.fromProperties(p).storeProperties()).doesNotContainKey("sendOnIoThread");
    }

    private void assertSendsRoundTrip(UnaryOperator<BrokerConfig.Builder> customizer) {
        BrokerFixture fx = new BrokerFixture(dir, customizer);
        try {
            fx.createTopic("threads", 2);
            for (int i = 0; i < 20; i++) {
                assertThat(fx.sendOk("threads", i % 2, "m" + i, Map.of()).queueOffset()).isEqualTo(i / 2);
            }
            fx.awaitQueueEnd("threads", 1, 10); // a send is answered before its message is dispatched
            List<MessageExt> pulled = BrokerFixture.messages(fx.pull("g", "threads", 1, 0, 32, "*"));
            assertThat(pulled).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                    .containsExactly("m1", "m3", "m5", "m7", "m9", "m11", "m13", "m15", "m17", "m19");
        } finally {
            fx.close();
        }
    }
}
