package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConsumeTimeoutsTest {

    private final List<ConsumeTimeouts.Call> timedOut = new CopyOnWriteArrayList<>();
    private ConsumeTimeouts timeouts;

    @AfterEach
    void close() {
        timeouts.close();
    }

    @Test
    void aCallOverrunningTheTimeoutIsHandedOverOnceAndItsLateResultIsIgnored() {
        timeouts = new ConsumeTimeouts("g", 100, timedOut::add);
        ConsumeTimeouts.Call call = timeouts.begin(new MessageQueue("t", "b", 0), new ProcessQueue(0), List.of());

        await().atMost(Duration.ofSeconds(5)).until(() -> timedOut.size() == 1);

        assertThat(timedOut).containsExactly(call);
        assertThat(timeouts.end(call)).as("the late listener result is ignored").isFalse();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> timedOut.size() == 1);
    }

    @Test
    void aCallEndingInTimeIsNeverTreatedAsTimedOut() {
        timeouts = new ConsumeTimeouts("g", 200, timedOut::add);
        ConsumeTimeouts.Call call = timeouts.begin(new MessageQueue("t", "b", 0), new ProcessQueue(0), List.of());

        assertThat(timeouts.end(call)).isTrue();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(timedOut::isEmpty);
    }
}
