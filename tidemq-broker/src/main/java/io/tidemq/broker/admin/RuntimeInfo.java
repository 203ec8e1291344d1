package io.tidemq.broker.admin;

import io.tidemq.broker.client.ClientManager;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.longpolling.PullRequestHoldService;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.stats.BrokerStats;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.body.BrokerRuntimeInfo;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoreStats;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** GET_BROKER_RUNTIME_INFO: the broker's identity, totals and store figures as a sorted name → text table. */
final class RuntimeInfo {

    private final BrokerConfig config;
    private final Supplier<String> address;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final ClientManager clients;
    private final PullRequestHoldService holds;
    private final MessageStore store;
    private final BrokerStats stats;

    RuntimeInfo(BrokerConfig config, Supplier<String> address, TopicConfigManager topics, ConsumerOffsetManager offsets,
                ClientManager clients, PullRequestHoldService holds, MessageStore store, BrokerStats stats) {
        this.config = config;
        this.address = address;
        this.topics = topics;
        this.offsets = offsets;
        this.clients = clients;
        this.holds = holds;
        this.store = store;
        this.stats = stats;
    }

    RemotingCommand info() {
        return RemotingCommand.success().setBody(Json.toBytes(new BrokerRuntimeInfo(table())));
    }

    Map<String, String> table() {
        Map<String, String> t = new TreeMap<>();
        t.put("brokerClusterName", config.brokerClusterName());
        t.put("brokerName", config.brokerName());
        t.put("brokerId", Long.toString(config.brokerId()));
        t.put("brokerAddr", address.get());
        t.put("version", io.tidemq.common.TideMqVersion.current());
        t.put("flushMode", config.flushMode().name());
        t.put("startTimeMs", Long.toString(stats.startTimeMs));
        t.put("uptimeMs", Long.toString(System.currentTimeMillis() - stats.startTimeMs));
        t.put("topicCount", Integer.toString(topics.all().size()));
        t.put("topicDataVersion", Long.toString(topics.dataVersion()));
        t.put("consumerGroupCount", Integer.toString(clients.consumerGroupNames().size()));
        t.put("producerGroupCount", Integer.toString(clients.producerGroupNames().size()));
        t.put("committedGroupCount", Integer.toString(offsets.groups().size()));
        t.put("heldPullCount", Integer.toString(holds.heldCount()));
        Runtime jvm = Runtime.getRuntime();
        t.put("jvmHeapUsedBytes", Long.toString(jvm.totalMemory() - jvm.freeMemory()));
        t.put("jvmHeapMaxBytes", Long.toString(jvm.maxMemory()));
        t.put("putMessageTotal", Long.toString(stats.putMessages.sum()));
        t.put("putBytesTotal", Long.toString(stats.putBytes.sum()));
        t.put("putFailureTotal", Long.toString(stats.putFailures.sum()));
        t.put("pulledMessageTotal", Long.toString(stats.pulledMessages.sum()));
        t.put("pulledBytesTotal", Long.toString(stats.pulledBytes.sum()));
        StoreStats s = store.stats();
        t.put("storeAppendedRecords", Long.toString(s.appendedRecords()));
        t.put("storeAppendedBytes", Long.toString(s.appendedBytes()));
        t.put("storeCommitLogMinOffset", Long.toString(s.commitLogMinOffset()));
        t.put("storeCommitLogMaxOffset", Long.toString(s.commitLogMaxOffset()));
        t.put("storeFlushedOffset", Long.toString(s.flushedOffset()));
        t.put("storeDispatchedOffset", Long.toString(s.dispatchedOffset()));
        t.put("storeDispatchBehindBytes", Long.toString(s.commitLogMaxOffset() - s.dispatchedOffset()));
        t.put("storeSyncFlushTimeouts", Long.toString(s.syncFlushTimeouts()));
        t.put("storeCorruptRecords", Long.toString(s.corruptRecords()));
        t.put("storeBrokenConsumeQueues", String.join(",", store.brokenConsumeQueueNames()));
        t.put("storeWriteState", store.writeState().name());
        String refusal = store.writeRefusal();
        t.put("storeWriteRefusal", refusal == null ? "" : refusal);
        stats.gauges.forEach((name, value) -> t.put(name, Long.toString(value.getAsLong())));
        stats.infoSections.values().forEach(section -> t.putAll(section.get()));
        File dir = config.storePath().toFile();
        t.put("diskTotalBytes", Long.toString(dir.getTotalSpace()));
        t.put("diskUsableBytes", Long.toString(dir.getUsableSpace()));
        return t;
    }
}
