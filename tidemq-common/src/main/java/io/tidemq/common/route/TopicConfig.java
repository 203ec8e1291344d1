package io.tidemq.common.route;

import io.tidemq.common.names.NameValidator;

/**
 * A topic as one broker hosts it.
 *
 * @param topic          the name
 * @param readQueueNums  queues consumers read from
 * @param writeQueueNums queues producers write to
 * @param perm           {@link Perm} bits
 * @param order          whether the topic is meant for ordered (per-key, single-queue) use
 */
public record TopicConfig(String topic, int readQueueNums, int writeQueueNums, int perm, boolean order) {

    public static final int MAX_QUEUE_NUMS = 1024;

    public TopicConfig {
        NameValidator.checkTopic(topic);
        checkQueues("readQueueNums", readQueueNums);
        checkQueues("writeQueueNums", writeQueueNums);
    }

    public static TopicConfig of(String topic, int queueNums) {
        return new TopicConfig(topic, queueNums, queueNums, Perm.READ_WRITE, false);
    }

    private static void checkQueues(String key, int n) {
        if (n < 1 || n > MAX_QUEUE_NUMS) {
            throw new IllegalArgumentException(key + " must be between 1 and " + MAX_QUEUE_NUMS + ", was " + n);
        }
    }
}
