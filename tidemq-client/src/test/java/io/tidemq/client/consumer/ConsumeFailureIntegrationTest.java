package io.tidemq.client.consumer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failed consumption without a broker that retries: the fake brokers do not serve CONSUMER_SEND_MSG_BACK, so
 * a clustering consumer falls back to retrying locally; broadcasting consumers always retry locally.
 * (Retries through a real broker are tested in tidemq-cli and tidemq-it.)
 */
class ConsumeFailureIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FakeCluster cluster = new FakeCluster(1);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        cluster.close();
    }

    private void store(String... bodies) {
        cluster.topic("t", 1);
        cluster.broker(0).store("t", 0, IntStream.range(0, bodies.length)
                .mapToObj(i -> Message.builder("t").body(bodies[i]).build()).toList());
    }

    private void consumer(ClientConfig config, MessageModel model, MessageListenerConcurrently listener) {
        PushConsumer c = PushConsumer.builder("cg", config).messageModel(model).build();
        c.subscribe("t", "*").registerListener(listener);
        c.start();
        closeables.add(c);
    }

    @Test
    void broadcastingSkipsAMessageThatFailsMoreThanMaxReconsumeTimesAndMovesOn() {
        store("poison", "good");
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        consumer(cluster.config(dir).maxReconsumeTimes(2).build(), MessageModel.BROADCASTING, (msgs, ctx) -> {
            MessageExt m = msgs.get(0);
            String body = new String(m.body());
            attempts.computeIfAbsent(body, k -> new CopyOnWriteArrayList<>()).add(m.reconsumeTimes());
            return body.equals("poison") ? ConsumeStatus.RETRY : ConsumeStatus.SUCCESS;
        });

        await().atMost(WAIT).until(() -> attempts.getOrDefault("poison", List.of()).size() == 3
                && attempts.containsKey("good"));
        await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> attempts.get("poison").size() == 3);
        assertThat(attempts.get("poison")).containsExactly(0, 1, 2);
        assertThat(attempts.get("good")).containsExactly(0);
    }

    @Test
    void aListenerCallOverrunningConsumeTimeoutIsRetriedWithoutWaitingForIt() {
        store("slow");
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        Set<Integer> succeeded = ConcurrentHashMap.newKeySet();
        consumer(cluster.config(dir).consumeTimeoutMs(300).build(), MessageModel.CLUSTERING, (msgs, ctx) -> {
            int times = msgs.get(0).reconsumeTimes();
            attempts.add(times);
            if (times == 0) {
                awaitQuietly(release); // the first call hangs until the test ends
            }
            succeeded.add(times);
            return ConsumeStatus.SUCCESS;
        });

        try {
            await().atMost(WAIT).until(() -> succeeded.contains(1));
            MessageQueue mq = new MessageQueue("t", "broker-a", 0);
            await().atMost(WAIT).until(() -> cluster.broker(0).committedOffset("cg", mq) == 1);
            assertThat(attempts).startsWith(0, 1);
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
