package io.tidemq.client.consumer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.fake.FakeBroker;
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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PullConsumerIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FakeCluster cluster = new FakeCluster(1);
    private final MessageQueue q0 = new MessageQueue("t", "broker-a", 0);
    private final MessageQueue q1 = new MessageQueue("t", "broker-a", 1);
    private PullConsumer consumer;

    @AfterEach
    void tearDown() {
        if (consumer != null) {
            consumer.close();
        }
        cluster.close();
    }

    private FakeBroker broker() {
        return cluster.broker(0);
    }

    private void store(int queueId, String prefix, int n) {
        broker().store("t", queueId, IntStream.range(0, n)
                .mapToObj(i -> Message.builder("t").body(prefix + i).build()).toList());
    }

    /** Polls until {@code n} messages arrived (or fails after {@link #WAIT}). */
    private List<String> pollBodies(int n) {
        List<String> bodies = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            for (MessageExt m : consumer.poll(Duration.ofMillis(100))) {
                bodies.add(new String(m.body()));
            }
            return bodies.size() >= n;
        });
        return bodies;
    }

    private PullConsumer start(PullConsumer.Builder b, boolean subscribe) {
        consumer = b.build();
        if (subscribe) {
            consumer.subscribe("t", "*");
        }
        return consumer;
    }

    @Test
    void pollReturnsEveryMessageInOffsetOrderPerQueueAndAutoCommitsOnTheNextPoll() {
        cluster.topic("t", 2);
        store(0, "a", 10);
        store(1, "b", 10);
        ClientConfig config = cluster.config(dir).pullBatchSize(4).build();
        start(PullConsumer.builder("pc", config), true).start();
        List<String> bodies = pollBodies(20);
        assertThat(bodies).hasSize(20);
        assertThat(bodies.stream().filter(s -> s.startsWith("a")).toList())
                .containsExactly(IntStream.range(0, 10).mapToObj(i -> "a" + i).toArray(String[]::new));
        consumer.poll(Duration.ofMillis(10));
        await().atMost(WAIT).until(() -> broker().committedOffset("pc", q0) == 10
                && broker().committedOffset("pc", q1) == 10);
    }

    @Test
    void withoutAutoCommitNothingIsCommittedUntilCommitSync() {
        cluster.topic("t", 1);
        store(0, "m", 5);
        start(PullConsumer.builder("pc", cluster.config(dir).build()).autoCommit(false), true).start();
        pollBodies(5);
        consumer.poll(Duration.ofMillis(10));
        // the start offset (0) may be committed, nothing past it
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> broker().committedOffset("pc", q0) <= 0);
        consumer.commitSync();
        assertThat(broker().committedOffset("pc", q0)).isEqualTo(5);
    }

    @Test
    void assignedQueuesAreReadWithoutRebalancingAndSeekRereads() {
        cluster.topic("t", 2);
        store(0, "a", 6);
        store(1, "b", 6);
        consumer = PullConsumer.builder("pc", cluster.config(dir).build()).build();
        consumer.assign(List.of(q1));
        consumer.start();
        assertThat(consumer.assignment()).containsExactly(q1);
        assertThat(pollBodies(6)).containsExactly("b0", "b1", "b2", "b3", "b4", "b5");

        consumer.seek(q1, 4);
        assertThat(pollBodies(2)).containsExactly("b4", "b5");
        consumer.seekToBeginning(q1);
        assertThat(pollBodies(6)).startsWith("b0");
        consumer.seekToEnd(q1);
        store(1, "late", 1);
        assertThat(pollBodies(1)).containsExactly("late0");
        assertThatThrownBy(() -> consumer.seek(q0, 0)).hasMessageContaining("not assigned");
    }

    @Test
    void subscribeAndAssignCannotBeMixed() {
        cluster.topic("t", 1);
        consumer = PullConsumer.builder("pc", cluster.config(dir).build()).build();
        consumer.subscribe("t", "*");
        assertThatThrownBy(() -> consumer.assign(List.of(q0))).hasMessageContaining("either subscribe() or assign()");
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).hasMessageContaining("call start() first");
    }

    @Test
    void aPollWithNothingToReadReturnsAnEmptyListAfterTheTimeout() {
        cluster.topic("t", 1);
        start(PullConsumer.builder("pc", cluster.config(dir).build()), true).start();
        assertThat(consumer.poll(Duration.ofMillis(50))).isEmpty();
    }

    /**
     * messaging-audit #1: a queue revoked while the application still works on what the last poll returned
     * commits only what an earlier poll returned, so the member taking it over re-reads those messages.
     */
    @Test
    void aRevokedQueueDoesNotCommitWhatTheLastPollReturned() {
        cluster.topic("t", 1);
        store(0, "m", 100);
        // member ids sort by instance name: the second member ("a…") is given the only queue
        start(PullConsumer.builder("pc", cluster.config(dir).instanceName("revoke-z").pullBatchSize(32).build()), true)
                .start();
        List<MessageExt> first = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            first.addAll(consumer.poll(Duration.ofMillis(100)));
            return !first.isEmpty();
        });
        // the application is still handling `first` (or crashes while it does) when a second member joins
        try (PullConsumer second = PullConsumer.builder("pc", cluster.config(dir).instanceName("revoke-a").build())
                .build()) {
            second.subscribe("t", "*");
            second.start();
            await().atMost(WAIT).until(() -> consumer.assignment().isEmpty());
            assertThat(broker().committedOffset("pc", q0)).isLessThanOrEqualTo(first.get(0).queueOffset());
            List<MessageExt> reread = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                reread.addAll(second.poll(Duration.ofMillis(100)));
                return !reread.isEmpty();
            });
            assertThat(reread.get(0).queueOffset()).isEqualTo(first.get(0).queueOffset());
        }
    }

    /**
     * messaging-audit #4: a seek past the queue's end is corrected to the end, in the committed offset too, so
     * a restarted consumer sees the messages produced after it.
     */
    @Test
    void aSeekPastTheEndIsCommittedAsTheEndAndLaterMessagesAreNotSkipped() {
        cluster.topic("t", 1);
        store(0, "old", 100);
        consumer = PullConsumer.builder("pc", cluster.config(dir).build()).build();
        consumer.assign(List.of(q0));
        consumer.start();
        consumer.seek(q0, 150);
        await().atMost(WAIT).until(() -> {
            consumer.poll(Duration.ofMillis(20));
            consumer.commitSync();
            return broker().committedOffset("pc", q0) == 100;
        });
        consumer.close();

        store(0, "new", 10);
        consumer = PullConsumer.builder("pc", cluster.config(dir).build()).build();
        consumer.assign(List.of(q0));
        consumer.start();
        assertThat(pollBodies(10)).startsWith("new0");
    }

    /**
     * messaging-audit #5: LAST applies only to a group that never consumed the topic; a queue the group has no
     * offset for, in a topic it already consumes (a queue or a broker was added), starts at its first offset.
     */
    @Test
    void lastAppliesOnlyToAGroupThatNeverConsumedTheTopic() {
        cluster.topic("t", 2);
        store(0, "a", 5);
        store(1, "b", 5);
        broker().commitOffset("pc", q0, 5);
        start(PullConsumer.builder("pc", cluster.config(dir).build()).consumeFromWhere(ConsumeFromWhere.LAST), true)
                .start();

        assertThat(pollBodies(5)).containsExactly("b0", "b1", "b2", "b3", "b4");
        consumer.close();

        // a group new to the topic starts at the end
        consumer = PullConsumer.builder("fresh", cluster.config(dir).build())
                .consumeFromWhere(ConsumeFromWhere.LAST).build();
        consumer.subscribe("t", "*");
        consumer.start();
        await().atMost(WAIT).until(() -> consumer.assignment().size() == 2);
        store(1, "late", 1);
        assertThat(pollBodies(1)).containsExactly("late0");
    }
}
