package io.tidemq.broker;

import io.tidemq.broker.ha.ReplicatedMetadata;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.schedule.TimerMessageService;
import io.tidemq.broker.schedule.TimerProgress;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.transaction.TransactionCheckService;
import io.tidemq.broker.transaction.TransactionProgress;
import io.tidemq.common.json.Json;
import io.tidemq.common.route.TopicConfig;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The broker's topics, consumer offsets, timer progress and transaction progress as a master copies them to its
 * slaves: a JSON snapshot. On a slave the topics replace its own (the master's configuration is the truth), the
 * offsets are merged by maximum (an offset committed on the slave meanwhile is never moved back), and the timer and
 * transaction progress are kept for the day it becomes master ({@link TimerMessageService#adoptReplicated},
 * {@link TransactionCheckService#adoptReplicated}). Stateless; thread-safe through the managers and services.
 */
final class BrokerMetadata implements ReplicatedMetadata {

    /**
     * What travels in HA_METADATA; the two progress fields are null when the master has none yet (and from
     * masters older than them).
     */
    record Snapshot(Map<String, TopicConfig> topics, Map<String, Map<String, Map<Integer, Long>>> offsets,
                    TimerProgress timerProgress, TransactionProgress transactionProgress) {
    }

    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final TimerMessageService timer;
    /** The check service is created after replication starts; null until then. */
    private final Supplier<TransactionCheckService> transactionChecks;

    BrokerMetadata(TopicConfigManager topics, ConsumerOffsetManager offsets, TimerMessageService timer,
                   Supplier<TransactionCheckService> transactionChecks) {
        this.topics = topics;
        this.offsets = offsets;
        this.timer = timer;
        this.transactionChecks = transactionChecks;
    }

    @Override
    public long changeCount() {
        // each only grows, so their sum moves whenever one does
        TransactionCheckService checks = transactionChecks.get();
        return topics.dataVersion() + offsets.changeCount() + timer.progressVersion()
                + (checks == null ? 0 : checks.progressVersion());
    }

    @Override
    public byte[] snapshot() {
        TransactionCheckService checks = transactionChecks.get();
        return Json.toBytes(new Snapshot(topics.all(), offsets.all(), timer.progress(),
                checks == null ? null : checks.progress()));
    }

    /** What HA_MERGE_OFFSETS carries: group → topic → queueId → offset. */
    record SlaveOffsets(Map<String, Map<String, Map<Integer, Long>>> offsets) {
    }

    @Override
    public OffsetsToMerge offsetsToMerge() {
        ConsumerOffsetManager.UnmergedOffsets unmerged = offsets.unmergedOffsets();
        if (unmerged.isEmpty()) {
            return null;
        }
        return new OffsetsToMerge(Json.toBytes(new SlaveOffsets(unmerged.offsets())), unmerged.flags().size(),
                () -> offsets.mergedBack(unmerged));
    }

    @Override
    public int mergeOffsets(byte[] body) {
        SlaveOffsets merged = Json.fromBytes(body, SlaveOffsets.class);
        return merged.offsets() == null ? 0 : offsets.mergeFromSlave(merged.offsets());
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
        if (snapshot.timerProgress() != null) {
            timer.adoptReplicated(snapshot.timerProgress());
        }
        TransactionCheckService checks = transactionChecks.get();
        if (snapshot.transactionProgress() != null && checks != null) {
            checks.adoptReplicated(snapshot.transactionProgress());
        }
    }
}
