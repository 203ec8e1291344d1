package io.tidemq.client.consumer.internal;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.RemotingFailedException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.offset.LocalFileOffsetStore;
import io.tidemq.client.offset.OffsetStore;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A clustering push consumer's failure handling against scripted send-back answers (no broker). */
class ConsumeServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MessageQueue MQ = new MessageQueue("t", "broker-a", 0);

    @TempDir
    Path dir;

    private final ScheduledExecutorService delay = Executors.newSingleThreadScheduledExecutor();
    /** Released at the end of each test: listeners and send-backs that hang wait on it. */
    private final CountDownLatch end = new CountDownLatch(1);
    private OffsetStore offsets;
    private ConsumeService service;

    @BeforeEach
    void offsets() {
        offsets = new LocalFileOffsetStore(dir, "test", "g");
    }

    @AfterEach
    void stop() {
        end.countDown();
        if (service != null) {
            service.shutdown(1_000);
        }
        delay.shutdownNow();
    }

    private static ClientConfig.Builder config() {
        return ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").consumeRetryDelayMs(0).consumeThreads(2);
    }

    private static MessageExt message(MessageQueue mq, long offset, String body) {
        return new MessageExt("id-" + body, mq.topic(), mq.queueId(), offset, 1_000 + offset, 0, 0, "127.0.0.1:1",
                "127.0.0.1:2", 0, 0, 0, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(MessageExt m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    private static Headers.ConsumerSendMsgBackResponse stored(boolean dlq) {
        return new Headers.ConsumerSendMsgBackResponse(dlq ? "%DLQ%g" : "%RETRY%g", 1, 0);
    }

    private void awaitEnd() {
        try {
            end.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Submits poison (offset 0) and good (offset 1) of MQ; the listener fails poison every time. */
    private Map<String, List<Integer>> consumePoisonAndGood(ClientConfig config, SendBack sendBack) {
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        MessageListenerConcurrently listener = (msgs, ctx) -> {
            MessageExt m = msgs.get(0);
            attempts.computeIfAbsent(body(m), k -> new CopyOnWriteArrayList<>()).add(m.reconsumeTimes());
            return body(m).equals("poison") ? ConsumeStatus.RETRY : ConsumeStatus.SUCCESS;
        };
        service = new ConsumeService("g", listener, config, offsets, delay, sendBack);
        ProcessQueue pq = new ProcessQueue(0);
        List<MessageExt> msgs = List.of(message(MQ, 0, "poison"), message(MQ, 1, "good"));
        pq.putMessages(msgs, 2);
        service.submit(MQ, pq, msgs);
        return attempts;
    }

    @Test
    void aSendBackRefusedForGoodIsRetriedLocallyMaxReconsumeTimesAndThenDeadLettered() {
        List<String> deadLettered = new CopyOnWriteArrayList<>();
        SendBack timerDisabled = (mq, m, dlq) -> {
            if (!dlq) {
                throw new RequestFailedException("send-back", "broker-a", ResponseCode.MESSAGE_ILLEGAL.code(),
                        "delayed messages are disabled on this broker (timerEnable=false)");
            }
            deadLettered.add(body(m));
            return stored(true);
        };

        Map<String, List<Integer>> attempts = consumePoisonAndGood(config().maxReconsumeTimes(2).build(),
                timerDisabled);

        await().atMost(WAIT).until(() -> offsets.readLocal(MQ) == 2);
        assertThat(deadLettered).containsExactly("poison");
        assertThat(attempts.get("poison")).containsExactly(0, 1, 2);
        assertThat(attempts.get("good")).containsExactly(0);
    }

    @Test
    void aMessageTheBrokerNoLongerHasIsSkippedAfterItsLocalRetriesSoTheOffsetMovesOn() {
        SendBack gone = (mq, m, dlq) -> {
            throw new RequestFailedException("send-back", "broker-a", ResponseCode.QUERY_NOT_FOUND.code(),
                    "broker broker-a has no message at CommitLog offset " + m.commitLogOffset());
        };

        Map<String, List<Integer>> attempts = consumePoisonAndGood(config().maxReconsumeTimes(1).build(), gone);

        await().atMost(WAIT).until(() -> offsets.readLocal(MQ) == 2);
        assertThat(attempts.get("poison")).containsExactly(0, 1);
    }

    @Test
    void anUnreachableBrokerNeverMakesTheConsumerDropAMessage() {
        SendBack unreachable = (mq, m, dlq) -> {
            throw new RemotingFailedException("send-back", "127.0.0.1:1", new IOException("connection refused"));
        };

        Map<String, List<Integer>> attempts = consumePoisonAndGood(config().maxReconsumeTimes(1).build(),
                unreachable);

        await().atMost(WAIT).until(() -> attempts.getOrDefault("poison", List.of()).size() >= 5);
        assertThat(offsets.readLocal(MQ)).isLessThanOrEqualTo(0);
        assertThat(attempts.get("poison")).startsWith(0, 1, 2, 3, 4);
    }

    @Test
    void aSlowSendBackOfOneTimedOutCallDoesNotDelayDetectingAnother() {
        List<String> sendBacks = new CopyOnWriteArrayList<>();
        SendBack slowBroker = (mq, m, dlq) -> {
            sendBacks.add(body(m));
            awaitEnd(); // the broker answers only when the test ends
            return stored(dlq);
        };
        MessageListenerConcurrently hanging = (msgs, ctx) -> {
            awaitEnd();
            return ConsumeStatus.SUCCESS;
        };
        service = new ConsumeService("g", hanging, config().consumeTimeoutMs(200).build(), offsets, delay,
                slowBroker);
        MessageQueue mq0 = new MessageQueue("t", "broker-a", 0);
        MessageQueue mq1 = new MessageQueue("t", "broker-a", 1);
        for (MessageQueue mq : List.of(mq0, mq1)) {
            ProcessQueue pq = new ProcessQueue(0);
            List<MessageExt> msgs = List.of(message(mq, 0, "q" + mq.queueId()));
            pq.putMessages(msgs, 1);
            service.submit(mq, pq, msgs);
        }

        await().atMost(WAIT).until(() -> sendBacks.size() == 2);
        assertThat(sendBacks).containsExactlyInAnyOrder("q0", "q1");
    }
}
