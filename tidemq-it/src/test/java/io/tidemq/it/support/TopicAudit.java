package io.tidemq.it.support;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.consumer.PullConsumer;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.body.QueueStats;
import io.tidemq.common.protocol.body.TopicStats;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a topic holds, read back record by record: every queue from its first to its last offset, with a pull
 * consumer of a fresh group that commits nothing. It tells "stored twice in the topic" (one unique id at two
 * queue positions) apart from "delivered twice to a consumer" (one position read twice, which the audit counts
 * once). Not thread-safe: read, then inspect.
 */
public final class TopicAudit {

    /** Where a record sits in the topic. */
    public record Position(String brokerName, int queueId, long queueOffset) {
        @Override
        public String toString() {
            return brokerName + "/" + queueId + "#" + queueOffset;
        }
    }

    private final String topic;
    /** Each position once. */
    private final Map<Position, MessageExt> records = new LinkedHashMap<>();

    private TopicAudit(String topic) {
        this.topic = topic;
    }

    /**
     * Reads every record {@code topic} holds now (up to the queues' max offsets as the brokers report them when
     * called), one broker at a time, failing if that takes longer than {@code timeout}.
     *
     * @param config client settings; its instance name should be unused by other clients of this JVM
     */
    public static TopicAudit read(String namesrvAddr, String topic, ClientConfig config, Duration timeout) {
        List<TopicStats> stats;
        try (AdminClient admin = AdminClient.connect(namesrvAddr, 5_000)) {
            stats = admin.describeTopic(topic).stats();
        }
        TopicAudit audit = new TopicAudit(topic);
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        for (TopicStats broker : stats) {
            Map<MessageQueue, Long> ends = new HashMap<>();
            for (QueueStats q : broker.queues()) {
                if (q.maxOffset() > q.minOffset()) {
                    ends.put(new MessageQueue(topic, broker.brokerName(), q.queueId()), q.maxOffset());
                }
            }
            if (!ends.isEmpty()) {
                audit.readBroker(broker.brokerName(), ends, config, deadlineNs, timeout);
            }
        }
        return audit;
    }

    /** Reads the queues of one broker: a polled message then names its queue by queue id alone. */
    private void readBroker(String brokerName, Map<MessageQueue, Long> ends, ClientConfig config, long deadlineNs,
                            Duration timeout) {
        String group = "it-audit-" + System.nanoTime();
        Map<Integer, Long> next = new HashMap<>();
        try (PullConsumer consumer = PullConsumer.builder(group, config).autoCommit(false).build()) {
            consumer.assign(ends.keySet());
            consumer.start();
            ends.keySet().forEach(consumer::seekToBeginning);
            while (!reachedEnds(next, ends)) {
                if (System.nanoTime() > deadlineNs) {
                    throw new ConditionTimeoutException("the audit of " + topic + " on " + brokerName
                            + " read up to (queue id=next offset) " + next + " of " + ends + " within " + timeout);
                }
                for (MessageExt m : consumer.poll(Duration.ofMillis(500))) {
                    records.putIfAbsent(new Position(brokerName, m.queueId(), m.queueOffset()), m);
                    next.merge(m.queueId(), m.queueOffset() + 1, Math::max);
                }
            }
        }
    }

    private static boolean reachedEnds(Map<Integer, Long> next, Map<MessageQueue, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> next.getOrDefault(e.getKey().queueId(), 0L) >= e.getValue());
    }

    /** Every record read, one per position. */
    public List<MessageExt> records() {
        return new ArrayList<>(records.values());
    }

    /** How many positions of the topic hold each unique id. */
    public Map<String, Long> copiesByUniqueId() {
        return records.values().stream().collect(Collectors.groupingBy(MessageExt::uniqueId, Collectors.counting()));
    }

    /** Unique ids stored at more than one position, with those positions; empty when nothing is stored twice. */
    public Map<String, List<Position>> storedMoreThanOnce() {
        Map<String, List<Position>> byId = new HashMap<>();
        records.forEach((pos, m) -> byId.computeIfAbsent(m.uniqueId(), k -> new ArrayList<>()).add(pos));
        byId.values().removeIf(positions -> positions.size() < 2);
        return byId;
    }
}
