package io.tidemq.broker;

import io.tidemq.broker.ha.ReplicatedMetadata;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.common.json.Json;
import io.tidemq.common.route.TopicConfig;

import java.util.Map;

/**
 * The broker's topics and consumer offsets as a master copies them to its slaves: a JSON snapshot of both. On a
 * slave the topics replace its own (the master's configuration is the truth) and the offsets are merged by
 * maximum (an offset committed on the slave meanwhile is never moved back). Stateless; thread-safe through the
 * two managers.
 */
final class BrokerMetadata implements ReplicatedMetadata {

    /** What travels in HA_METADATA. */
    record Snapshot(Map<String, TopicConfig> topics, Map<String, Map<String, Map<Integer, Long>>> offsets) {
    }

    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;

    BrokerMetadata(TopicConfigManager topics, ConsumerOffsetManager offsets) {
        this.topics = topics;
        this.offsets = offsets;
    }

    @Override
    public long changeCount() {
        // both only grow, so their sum moves whenever either does
        return topics.dataVersion() + offsets.changeCount();
    }

    @Override
    public byte[] snapshot() {
        return Json.toBytes(new Snapshot(topics.all(), offsets.all()));
    }

    @Override
    public void apply(byte[] bytes) {
        Snapshot snapshot = Json.fromBytes(bytes, Snapshot.class);
        if (snapshot.topics() != null) {
            topics.replaceAll(snapshot.topics());
        }
        if (snapshot.offsets() != null) {
            snapshot.offsets().forEach((group, byTopic) -> byTopic.forEach((topic, byQueue) ->
                    byQueue.forEach((queueId, offset) -> offsets.mergeReplicated(group, topic, queueId, offset))));
        }
    }
}
