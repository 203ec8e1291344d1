package io.tidemq.client.consumer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.fake.FakeBroker;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.client.fake.LogCapture;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PushConsumerIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FakeCluster cluster = new FakeCluster(2);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        cluster.close();
    }

    private static List<Message> messages(String topic, String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> Message.builder(topic).body(prefix + i).build()).toList();
    }

    private PushConsumer consumer(ClientConfig config, MessageModel model, ConsumeFromWhere from,
                                  MessageListenerConcurrently listener, String topic, String expression) {
        PushConsumer c = PushConsumer.builder("cg", config).messageModel(model).consumeFromWhere(from).build();
        c.subscribe(topic, expression).registerListener(listener);
        c.start();
        closeables.add(c);
        return c;
    }

    private static MessageListenerConcurrently collectingInto(Set<String> bodies) {
        return (msgs, ctx) -> {
            msgs.forEach(m -> bodies.add(new String(m.body())));
            return ConsumeStatus.SUCCESS;
        };
    }

    @Test
    void aConsumerStartedBeforeItsTopicExistsReadsItSoonAfterTheTopicIsCreated() {
        // route refresh and rebalance timers far beyond the wait: only the missing-topic check can find the topic
        ClientConfig config = cluster.config(dir).routeRefreshIntervalMs(600_000).rebalanceIntervalMs(600_000).build();
        Set<String> got = ConcurrentHashMap.newKeySet();
        int lookups = cluster.namesrv.routeRequests.get();
        try (LogCapture logs = new LogCapture("io.tidemq.client")) {
            consumer(config, MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, collectingInto(got), "late", "*");
            // the start-up lookups and the first rebalance's (of late and of the group's retry topic) all miss
            await().atMost(WAIT).until(() -> cluster.namesrv.routeRequests.get() >= lookups + 4);

            cluster.topic("late", 1);
            cluster.broker(0).store("late", 0, messages("late", "m", 3));
            await().atMost(WAIT).until(() -> got.size() == 3);

            // the user hears that the consumer waits for its topic, and is never told to create the reserved retry topic
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN ") && l.contains("waiting for topic late"));
            assertThat(logs.lines()).noneMatch(l -> l.contains(NameValidator.RETRY_PREFIX) && !l.startsWith("DEBUG "));
        }
    }

    @Test
    void aClusteringConsumerReceivesOldAndNewMessagesAndCommitsTheirOffsets() {
        cluster.topic("t", 2);
        cluster.broker(0).store("t", 0, messages("t", "old-a", 5));
        cluster.broker(1).store("t", 1, messages("t", "old-b", 5));
        Set<String> got = ConcurrentHashMap.newKeySet();
        consumer(cluster.config(dir).build(), MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, collectingInto(got), "t", "*");

        Producer producer = Producer.builder("pg", cluster.config(dir).build()).build();
        producer.start();
        closeables.add(producer);
        for (int i = 0; i < 20; i++) {
            producer.send(Message.builder("t").body("new" + i).build());
        }
        await().atMost(WAIT).until(() -> got.size() == 30);
        await().atMost(WAIT).untilAsserted(() -> {
            for (FakeBroker b : cluster.brokers) {
                for (int q = 0; q < 2; q++) {
                    assertThat(b.committedOffset("cg", new MessageQueue("t", b.name(), q)))
                            .isEqualTo(b.messages("t", q).size());
                }
            }
        });
    }

    @Test
    void twoMembersSplitTheQueuesAndOnNotifyTheSurvivorTakesThemAll() {
        cluster.topic("t", 4);
        // rebalancing only at start and on NOTIFY_CONSUMER_IDS_CHANGED
        ClientConfig.Builder slow = cluster.config(dir).rebalanceIntervalMs(3_600_000);
        Set<String> got = ConcurrentHashMap.newKeySet();
        PushConsumer a = consumer(slow.build(), MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, collectingInto(got), "t", "*");
        await().atMost(WAIT).until(() -> a.assignment().size() == 8);
        PushConsumer b = consumer(cluster.config(dir).rebalanceIntervalMs(3_600_000).build(), MessageModel.CLUSTERING,
                ConsumeFromWhere.FIRST, collectingInto(got), "t", "*");
        await().atMost(WAIT).until(() -> a.assignment().size() == 4 && b.assignment().size() == 4);
        Set<MessageQueue> union = new HashSet<>(a.assignment());
        union.addAll(b.assignment());
        assertThat(union).hasSize(8);

        b.close();
        await().atMost(WAIT).until(() -> a.assignment().size() == 8);
        cluster.broker(0).store("t", 3, messages("t", "late", 3));
        await().atMost(WAIT).until(() -> got.containsAll(List.of("late0", "late1", "late2")));
    }

    @Test
    void aRetriedMessageIsRedeliveredAndHoldsBackTheCommittedOffsetUntilItSucceeds() {
        cluster.topic("t", 1);
        FakeBroker broker = cluster.broker(0);
        broker.store("t", 0, messages("t", "m", 5));
        AtomicBoolean m2Fails = new AtomicBoolean(true);
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        Set<String> done = ConcurrentHashMap.newKeySet();
        consumer(cluster.config(dir).build(), MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String body = new String(m.body());
                attempts.computeIfAbsent(body, k -> new CopyOnWriteArrayList<>()).add(m.reconsumeTimes());
                if (body.equals("m2") && m2Fails.get()) {
                    return ConsumeStatus.RETRY;
                }
                done.add(body);
            }
            return ConsumeStatus.SUCCESS;
        }, "t", "*");
        MessageQueue mq = new MessageQueue("t", "broker-a", 0);
        await().atMost(WAIT).until(() -> done.size() == 4 && attempts.get("m2").size() >= 3);
        await().during(Duration.ofMillis(400)).atMost(WAIT)
                .until(() -> broker.committedOffset("cg", mq) == 2);
        assertThat(attempts.get("m2")).startsWith(0, 1, 2);

        m2Fails.set(false);
        await().atMost(WAIT).until(() -> broker.committedOffset("cg", mq) == 5);
        assertThat(done).contains("m2");
    }

    @Test
    void aThrowingListenerCountsAsRetry() {
        cluster.topic("t", 1);
        cluster.broker(0).store("t", 0, messages("t", "m", 1));
        List<Integer> seen = new CopyOnWriteArrayList<>();
        consumer(cluster.config(dir).build(), MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, (msgs, ctx) -> {
            seen.add(msgs.get(0).reconsumeTimes());
            if (seen.size() < 2) {
                throw new IllegalStateException("boom (expected by the test)");
            }
            return ConsumeStatus.SUCCESS;
        }, "t", "*");
        await().atMost(WAIT).until(() -> cluster.broker(0).committedOffset("cg", new MessageQueue("t", "broker-a", 0)) == 1);
        assertThat(seen).containsExactly(0, 1);
    }

    @Test
    void broadcastingDeliversEveryMessageToEveryMemberAndKeepsOffsetsInLocalFiles() {
        cluster.topic("t", 2);
        cluster.broker(0).store("t", 0, messages("t", "a", 3));
        cluster.broker(1).store("t", 1, messages("t", "b", 3));
        Set<String> first = ConcurrentHashMap.newKeySet();
        Set<String> second = ConcurrentHashMap.newKeySet();
        ClientConfig c1 = cluster.config(dir).build();
        ClientConfig c2 = cluster.config(dir).build();
        PushConsumer p1 = consumer(c1, MessageModel.BROADCASTING, ConsumeFromWhere.FIRST, collectingInto(first), "t", "*");
        consumer(c2, MessageModel.BROADCASTING, ConsumeFromWhere.FIRST, collectingInto(second), "t", "*");
        await().atMost(WAIT).until(() -> first.size() == 6 && second.size() == 6);
        Path file = dir.resolve(c1.instanceName()).resolve("cg").resolve("offsets.json");
        await().atMost(WAIT).untilAsserted(() -> assertThat(file).exists());
        p1.close();
        assertThat(file).content().contains("\"offset\":3");
        assertThat(cluster.broker(0).committedOffset("cg", new MessageQueue("t", "broker-a", 0))).isEqualTo(-1);
    }

    @Test
    void onlyMessagesWithASubscribedTagArriveEvenWhenTheBrokerFilterLetsOthersThrough() {
        cluster.topic("t", 1);
        FakeBroker broker = cluster.broker(0);
        broker.ignoreTagFilter = true;
        List<Message> mixed = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            mixed.add(Message.builder("t").tag(i % 3 == 0 ? "A" : i % 3 == 1 ? "B" : "C").body("m" + i).build());
        }
        broker.store("t", 0, mixed);
        Set<String> got = ConcurrentHashMap.newKeySet();
        consumer(cluster.config(dir).build(), MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, collectingInto(got),
                "t", "A || C");
        await().atMost(WAIT).until(() -> broker.committedOffset("cg", new MessageQueue("t", "broker-a", 0)) == 9);
        assertThat(got).containsExactlyInAnyOrder("m0", "m2", "m3", "m5", "m6", "m8");
    }

    @Test
    void aNewGroupStartingAtLastSkipsTheBacklogAndACommittedOffsetIsResumed() {
        cluster.topic("t", 1);
        FakeBroker broker = cluster.broker(0);
        MessageQueue mq = new MessageQueue("t", "broker-a", 0);
        broker.store("t", 0, messages("t", "old", 5));
        Set<String> got = ConcurrentHashMap.newKeySet();
        PushConsumer last = consumer(cluster.config(dir).build(), MessageModel.CLUSTERING, ConsumeFromWhere.LAST,
                collectingInto(got), "t", "*");
        // one queue on each of the two brokers
        await().atMost(WAIT).until(() -> last.assignment().size() == 2);
        broker.store("t", 0, messages("t", "new", 2));
        await().atMost(WAIT).until(() -> got.size() == 2);
        assertThat(got).containsExactlyInAnyOrder("new0", "new1");
        last.close();

        broker.commitOffset("cg2", mq, 3);
        Set<String> resumed = ConcurrentHashMap.newKeySet();
        PushConsumer c = PushConsumer.builder("cg2", cluster.config(dir).build()).build();
        c.subscribe("t", "*").registerListener(collectingInto(resumed));
        c.start();
        closeables.add(c);
        await().atMost(WAIT).until(() -> resumed.size() == 4);
        assertThat(resumed).containsExactlyInAnyOrder("old3", "old4", "new0", "new1");
    }

    @Test
    void pullingPausesWhileTheProcessQueueIsFull() throws Exception {
        cluster.topic("t", 1);
        FakeBroker broker = cluster.broker(0);
        broker.store("t", 0, messages("t", "m", 200));
        CountDownLatch release = new CountDownLatch(1);
        Set<String> got = ConcurrentHashMap.newKeySet();
        consumer(cluster.config(dir).pullThresholdForQueue(10).pullBatchSize(5).consumeThreads(1).build(),
                MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, (msgs, ctx) -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    msgs.forEach(m -> got.add(new String(m.body())));
                    return ConsumeStatus.SUCCESS;
                }, "t", "*");
        await().atMost(WAIT).until(() -> broker.pulledMessages.get() > 10);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> broker.pulledMessages.get() <= 15);
        release.countDown();
        await().atMost(WAIT).until(() -> got.size() == 200);
    }

    @Test
    void aMalformedPullBodyIsPulledAgainFromTheSameBrokerAndNoMessageIsLostOrSkipped() {
        cluster.topic("t", 1);
        FakeBroker broker = cluster.broker(0);
        broker.store("t", 0, messages("t", "m", 50));
        broker.truncateNextPulls(2);
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        try (LogCapture logs = new LogCapture("io.tidemq.client")) {
            consumer(cluster.config(dir).pullBatchSize(8).pullRetryBackoffMs(10).build(), MessageModel.CLUSTERING,
                    ConsumeFromWhere.FIRST, (msgs, ctx) -> {
                        msgs.forEach(m -> got.add(new String(m.body())));
                        return ConsumeStatus.SUCCESS;
                    }, "t", "*");
            await().atMost(WAIT).until(() -> got.size() >= 50);
            assertThat(got).containsExactlyInAnyOrderElementsOf(messages("t", "m", 50).stream()
                    .map(m -> new String(m.body())).toList());
            // decoded on the network thread, but reported as a malformed answer on the pull path, not as a failed
            // transport call (which would count against the broker's address)
            assertThat(logs.lines()).anyMatch(l -> l.contains("is malformed"));
            assertThat(logs.lines()).noneMatch(l -> l.contains("pull of") && l.contains("failed"));
        }
    }

    @Test
    void startingTwiceInOneInstanceOrWithoutListenerIsRefusedWithAHint() {
        cluster.topic("t", 1);
        ClientConfig config = cluster.config(dir).build();
        PushConsumer noListener = PushConsumer.builder("cg", config).build();
        noListener.subscribe("t", "*");
        org.assertj.core.api.Assertions.assertThatThrownBy(noListener::start).hasMessageContaining("registerListener");
        consumer(config, MessageModel.CLUSTERING, ConsumeFromWhere.FIRST, (m, c) -> ConsumeStatus.SUCCESS, "t", "*");
        PushConsumer twin = PushConsumer.builder("cg", config).build();
        twin.subscribe("t", "*").registerListener((m, c) -> ConsumeStatus.SUCCESS);
        org.assertj.core.api.Assertions.assertThatThrownBy(twin::start).hasMessageContaining("another instanceName");
    }
}
