package io.tidemq.broker.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.tidemq.broker.client.ClientGroup;
import io.tidemq.broker.client.ClientManager;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Consumer lag per (topic, group), computed on the broker at scrape time from the committed offsets and the
 * queue ends: never negative (each queue's committed offset is read before its end, and ends only grow), and
 * absent where unknown. A queue without a committed offset is not counted as lag 0; it is counted in
 * {@code unknownQueues} instead, and a (topic, group) with no committed queue has no lag row at all.
 *
 * <p>Stateless; the managers it reads are thread-safe.
 */
public final class ConsumerLagSource {

    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final ClientManager clients;
    private final MessageStore store;
    private final LongSupplier clockMs;

    public ConsumerLagSource(TopicConfigManager topics, ConsumerOffsetManager offsets, ClientManager clients,
                             MessageStore store, LongSupplier clockMs) {
        this.topics = topics;
        this.offsets = offsets;
        this.clients = clients;
        this.store = store;
        this.clockMs = clockMs;
    }

    /** The rows of one scrape. */
    public record Snapshot(List<MultiGauge.Row<?>> lagMessages, List<MultiGauge.Row<?>> lagSeconds,
                           List<MultiGauge.Row<?>> unknownQueues, List<MultiGauge.Row<?>> consumerClients) {
    }

    public Snapshot snapshot() {
        long now = clockMs.getAsLong();
        List<MultiGauge.Row<?>> messages = new ArrayList<>();
        List<MultiGauge.Row<?>> seconds = new ArrayList<>();
        List<MultiGauge.Row<?>> unknown = new ArrayList<>();
        List<MultiGauge.Row<?>> members = new ArrayList<>();
        Set<String> groupNames = new TreeSet<>(offsets.groups());
        groupNames.addAll(clients.consumerGroupNames());
        for (String group : groupNames) {
            Map<String, Map<Integer, Long>> committed = offsets.offsetsOf(group);
            ClientGroup live = clients.consumerGroup(group);
            Set<String> topicNames = new TreeSet<>(committed.keySet());
            if (live != null) {
                members.add(MultiGauge.Row.of(Tags.of("group", group), live.clientIds().size()));
                ConsumerData data = live.consumerData();
                if (data != null && data.subscriptions() != null) {
                    for (SubscriptionData s : data.subscriptions()) {
                        topicNames.add(s.topic());
                    }
                }
            }
            for (String topic : topicNames) {
                TopicConfig config = topics.get(topic);
                if (config != null) {
                    addTopic(now, group, topic, config.readQueueNums(), committed.getOrDefault(topic, Map.of()),
                            messages, seconds, unknown);
                }
            }
        }
        return new Snapshot(messages, seconds, unknown, members);
    }

    private void addTopic(long now, String group, String topic, int queues, Map<Integer, Long> committed,
                          List<MultiGauge.Row<?>> messages, List<MultiGauge.Row<?>> seconds,
                          List<MultiGauge.Row<?>> unknown) {
        long lag = 0;
        int known = 0;
        int unknownCount = 0;
        long oldestUnconsumedMs = Long.MAX_VALUE;
        for (int q = 0; q < queues; q++) {
            Long offset = committed.get(q);
            if (offset == null) {
                unknownCount++;
                continue;
            }
            known++;
            long max = store.maxQueueOffset(topic, q);
            long from = Math.max(offset, store.minQueueOffset(topic, q));
            long queueLag = Math.max(0, max - from);
            lag += queueLag;
            if (queueLag > 0) {
                GetResult r = store.getMessages(topic, q, from, 1, Integer.MAX_VALUE, null);
                if (!r.messages().isEmpty()) {
                    oldestUnconsumedMs = Math.min(oldestUnconsumedMs, r.messages().get(0).storeTimestampMs());
                }
            }
        }
        Tags tags = Tags.of("topic", topic, "group", group);
        if (known > 0) {
            messages.add(MultiGauge.Row.of(tags, lag));
            if (lag == 0) {
                seconds.add(MultiGauge.Row.of(tags, 0));
            } else if (oldestUnconsumedMs != Long.MAX_VALUE) {
                seconds.add(MultiGauge.Row.of(tags, Math.max(0, now - oldestUnconsumedMs) / 1_000.0));
            } // else the oldest unconsumed message could not be read (deleted meanwhile): unknown, so absent
        }
        unknown.add(MultiGauge.Row.of(tags, unknownCount));
    }
}
