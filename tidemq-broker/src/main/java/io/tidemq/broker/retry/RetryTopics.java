package io.tidemq.broker.retry;

import io.tidemq.broker.topic.TopicAlreadyExistsException;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The per-group system topics of retries: {@code %RETRY%<group>} (one queue, readable and writable: the group's
 * consumers read it) and {@code %DLQ%<group>} (one queue, write-only: no consumer reads it by default; admins
 * read it with GET_DLQ_MESSAGES). Both are created by the broker when first needed, whatever
 * {@code autoCreateTopic} says, and are left out of topic listings unless system topics are asked for.
 *
 * <p>The retry topic is created as soon as a clustering push consumer of the group heartbeats, so it is routed
 * by the time the first failed message comes back, but only for a group that subscribes to a topic this broker
 * hosts: any client can send heartbeats with made-up group names. Creation is rate limited
 * ({@code retryTopicCreatesPerSecond}, since each one rewrites {@code topics.json} and re-registers the broker),
 * and {@link #deleteRetiredGroups} deletes the retry topic of a group that is gone (no member, no committed
 * offset, no retry waiting).
 *
 * <p>Thread-safe: creation is serialized by the topic manager; the rate limiter is guarded by {@code this}.
 */
public final class RetryTopics {

    private static final Logger LOG = LoggerFactory.getLogger(RetryTopics.class);

    /** Retry and dead-letter topics have one queue. */
    public static final int QUEUE_ID = 0;
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TopicConfigManager topics;
    private final int createsPerSecond;
    private final LongSupplier nanoClock;
    /** Token bucket of creations (capacity: one second's worth); guarded by {@code this}. */
    private double tokens;
    private long refilledAtNanos;
    /** Guarded by {@code this}: at most one "creation limited" warning per second. */
    private long warnedAtNanos;

    public RetryTopics(TopicConfigManager topics, int createsPerSecond, LongSupplier nanoClock) {
        this.topics = topics;
        this.createsPerSecond = createsPerSecond;
        this.nanoClock = nanoClock;
        this.tokens = createsPerSecond;
        this.refilledAtNanos = nanoClock.getAsLong();
        this.warnedAtNanos = refilledAtNanos - SECOND_NANOS;
    }

    /**
     * {@code %RETRY%<group>}, created when absent.
     *
     * @throws RequestRejectedException SYSTEM_BUSY when the creation rate is used up
     */
    public TopicConfig ensureRetryTopic(String group) {
        return ensure(new TopicConfig(NameValidator.retryTopic(group), 1, 1, Perm.READ_WRITE, false));
    }

    /**
     * {@code %DLQ%<group>}, created write-only when absent.
     *
     * @throws RequestRejectedException SYSTEM_BUSY when the creation rate is used up
     */
    public TopicConfig ensureDlqTopic(String group) {
        return ensure(new TopicConfig(NameValidator.dlqTopic(group), 1, 1, Perm.WRITE, false));
    }

    /**
     * Creates the retry topic of a clustering push consumer's group that subscribes to a topic hosted here;
     * called for every consumer in a heartbeat. When the creation rate is used up nothing happens: the group's
     * next heartbeat tries again.
     */
    public void onConsumerHeartbeat(ConsumerData consumer) {
        if (!"PUSH".equals(consumer.consumeType()) || "BROADCASTING".equals(consumer.messageModel())
                || topics.get(NameValidator.retryTopic(consumer.group())) != null || !subscribesHere(consumer)) {
            return;
        }
        try {
            ensureRetryTopic(consumer.group());
        } catch (RequestRejectedException busy) {
            LOG.debug("retry topic of consumer group {} not created yet: {}", consumer.group(), busy.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("cannot create the retry topic of consumer group {}: {}; its failed messages are retried"
                    + " by the consumer itself", consumer.group(), e.getMessage());
        }
    }

    private boolean subscribesHere(ConsumerData consumer) {
        if (consumer.subscriptions() == null) {
            return false;
        }
        for (SubscriptionData s : consumer.subscriptions()) {
            if (s.topic() != null && !s.topic().startsWith(NameValidator.RETRY_PREFIX) && topics.get(s.topic()) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes the retry topic of every group that is gone: no live member, no committed offset on this broker,
     * and nothing in its retry topic. The broker runs it with its client scan.
     *
     * @param live          whether a group has a connected member
     * @param hasOffsets    whether a group has a committed offset here
     * @param holdsMessages whether a topic holds (or ever held) a message
     * @return how many retry topics were deleted
     */
    public int deleteRetiredGroups(Predicate<String> live, Predicate<String> hasOffsets,
                                   Predicate<String> holdsMessages) {
        List<String> retired = new ArrayList<>();
        for (String topic : topics.all().keySet()) {
            if (!topic.startsWith(NameValidator.RETRY_PREFIX)) {
                continue;
            }
            String group = topic.substring(NameValidator.RETRY_PREFIX.length());
            if (!live.test(group) && !hasOffsets.test(group) && !holdsMessages.test(topic)) {
                retired.add(topic);
            }
        }
        int deleted = 0;
        for (String topic : retired) {
            if (topics.delete(topic)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} retry topic(s) of consumer groups that are gone (no member, no committed offset,"
                    + " no pending retry)", deleted);
        }
        return deleted;
    }

    /** An existing topic is kept as it is, so an operator's change (more queues, perm) sticks. */
    private TopicConfig ensure(TopicConfig wanted) {
        TopicConfig existing = topics.get(wanted.topic());
        if (existing != null) {
            return existing;
        }
        if (!takeToken()) {
            throw new RequestRejectedException(ResponseCode.SYSTEM_BUSY, "this broker creates at most "
                    + createsPerSecond + " retry/dead-letter topics per second (retryTopicCreatesPerSecond); "
                    + wanted.topic() + " is created on a later request: retry later");
        }
        try {
            if (topics.create(wanted)) {
                LOG.info("created {} topic {}", wanted.topic().startsWith(NameValidator.DLQ_PREFIX) ? "dead-letter"
                        : "retry", wanted.topic());
            }
        } catch (TopicAlreadyExistsException raced) {
            // created concurrently with another configuration: use that one
        }
        TopicConfig now = topics.get(wanted.topic());
        return now != null ? now : wanted;
    }

    private synchronized boolean takeToken() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(createsPerSecond, tokens + (double) (now - refilledAtNanos) * createsPerSecond / SECOND_NANOS);
        refilledAtNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        if (now - warnedAtNanos >= SECOND_NANOS) {
            warnedAtNanos = now;
            LOG.warn("retry/dead-letter topic creations are limited to {} per second (retryTopicCreatesPerSecond);"
                    + " heartbeats of many new consumer groups at once? Creations continue on later requests",
                    createsPerSecond);
        }
        return false;
    }
}
