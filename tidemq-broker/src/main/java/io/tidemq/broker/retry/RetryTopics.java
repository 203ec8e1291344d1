package io.tidemq.broker.retry;

import io.tidemq.broker.topic.TopicAlreadyExistsException;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-group system topics of retries: {@code %RETRY%<group>} (one queue, readable and writable: the group's
 * consumers read it) and {@code %DLQ%<group>} (one queue, write-only: no consumer reads it by default; admins
 * read it with GET_DLQ_MESSAGES). Both are created by the broker when first needed, whatever
 * {@code autoCreateTopic} says, and are left out of topic listings unless system topics are asked for.
 *
 * <p>The retry topic is created as soon as a clustering push consumer of the group heartbeats, so it is routed
 * by the time the first failed message comes back. Thread-safe: creation is serialized by the topic manager.
 */
public final class RetryTopics {

    private static final Logger LOG = LoggerFactory.getLogger(RetryTopics.class);

    /** Retry and dead-letter topics have one queue. */
    public static final int QUEUE_ID = 0;

    private final TopicConfigManager topics;

    public RetryTopics(TopicConfigManager topics) {
        this.topics = topics;
    }

    /** {@code %RETRY%<group>}, created when absent. */
    public TopicConfig ensureRetryTopic(String group) {
        return ensure(new TopicConfig(NameValidator.retryTopic(group), 1, 1, Perm.READ_WRITE, false));
    }

    /** {@code %DLQ%<group>}, created write-only when absent. */
    public TopicConfig ensureDlqTopic(String group) {
        return ensure(new TopicConfig(NameValidator.dlqTopic(group), 1, 1, Perm.WRITE, false));
    }

    /** Creates the retry topic of a clustering push consumer's group; called for every consumer in a heartbeat. */
    public void onConsumerHeartbeat(ConsumerData consumer) {
        if (!"PUSH".equals(consumer.consumeType()) || "BROADCASTING".equals(consumer.messageModel())) {
            return;
        }
        try {
            ensureRetryTopic(consumer.group());
        } catch (RuntimeException e) {
            LOG.warn("cannot create the retry topic of consumer group {}: {}; its failed messages are retried"
                    + " by the consumer itself", consumer.group(), e.getMessage());
        }
    }

    /** An existing topic is kept as it is, so an operator's change (more queues, perm) sticks. */
    private TopicConfig ensure(TopicConfig wanted) {
        TopicConfig existing = topics.get(wanted.topic());
        if (existing != null) {
            return existing;
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
}
