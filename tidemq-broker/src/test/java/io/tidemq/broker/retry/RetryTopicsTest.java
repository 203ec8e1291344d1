package io.tidemq.broker.retry;

import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTopicsTest {

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private TopicConfigManager topics;
    private RetryTopics retryTopics;

    @BeforeEach
    void setUp() {
        topics = new TopicConfigManager(dir.resolve("config/topics.json"), 8);
        topics.load();
        topics.createOrUpdate(new TopicConfig("orders", 4, 4, Perm.READ_WRITE, false));
        retryTopics = new RetryTopics(topics, 5, nanos::get);
    }

    private static ConsumerData push(String group, String... topicNames) {
        Set<SubscriptionData> subs = new java.util.HashSet<>();
        for (String t : topicNames) {
            subs.add(new SubscriptionData(t, "*"));
        }
        subs.add(new SubscriptionData("%RETRY%" + group, "*"));
        return new ConsumerData(group, "PUSH", "CLUSTERING", "LAST", subs, null);
    }

    private long retryTopicCount() {
        return topics.all().keySet().stream().filter(t -> t.startsWith("%RETRY%")).count();
    }

    @Test
    void aGroupThatSubscribesToNoTopicOfThisBrokerGetsNoRetryTopic() {
        for (int i = 0; i < 50; i++) {
            retryTopics.onConsumerHeartbeat(push("random-" + i, "no-such-topic"));
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        }

        assertThat(retryTopicCount()).isZero();
    }

    @Test
    void aGroupSubscribingToAHostedTopicGetsItsRetryTopic() {
        retryTopics.onConsumerHeartbeat(push("billing", "orders"));

        assertThat(topics.get("%RETRY%billing")).isNotNull();
    }

    @Test
    void retryTopicsAreCreatedAtMostAtTheConfiguredRateAndTheRestOnALaterHeartbeat() {
        for (int i = 0; i < 50; i++) {
            retryTopics.onConsumerHeartbeat(push("g" + i, "orders"));
        }
        assertThat(retryTopicCount()).isEqualTo(5);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        for (int i = 0; i < 50; i++) {
            retryTopics.onConsumerHeartbeat(push("g" + i, "orders"));
        }
        assertThat(retryTopicCount()).isEqualTo(10);
    }

    @Test
    void aSendBackBeyondTheCreationRateIsAnsweredBusy() {
        for (int i = 0; i < 5; i++) {
            retryTopics.ensureRetryTopic("g" + i);
        }

        assertThatThrownBy(() -> retryTopics.ensureRetryTopic("g5"))
                .isInstanceOfSatisfying(RequestRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(ResponseCode.SYSTEM_BUSY));
        assertThat(retryTopics.ensureRetryTopic("g0")).isNotNull(); // an existing one costs nothing
    }

    @Test
    void anEmptyRetryTopicIsDeletedWithItsGroupButKeptWhileTheGroupLivesHasOffsetsOrRetries() {
        for (String g : new String[] {"gone", "live", "committed", "pending"}) {
            retryTopics.onConsumerHeartbeat(push(g, "orders"));
        }

        int deleted = retryTopics.deleteRetiredGroups(
                group -> group.equals("live"),
                group -> group.equals("committed"),
                topic -> topic.equals("%RETRY%pending"));

        assertThat(deleted).isEqualTo(1);
        assertThat(topics.get("%RETRY%gone")).isNull();
        assertThat(topics.get("%RETRY%live")).isNotNull();
        assertThat(topics.get("%RETRY%committed")).isNotNull();
        assertThat(topics.get("%RETRY%pending")).isNotNull();
    }
}
