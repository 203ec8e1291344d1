package io.tidemq.broker;

import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.HaConfig;
import io.tidemq.broker.ha.HaConfigException;
import io.tidemq.broker.ha.ReplicationMode;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.store.FlushMode;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/** Reads a {@link BrokerConfig} from a properties file; defaults come from {@link BrokerConfig.Builder}. */
final class BrokerConfigLoader {

    private BrokerConfigLoader() {
    }

    static BrokerConfig load(Properties props) {
        ConfigReader r = new ConfigReader(props);
        BrokerConfig.Builder d = BrokerConfig.builder();
        BrokerConfig.Builder b = BrokerConfig.builder()
                .brokerClusterName(r.string("brokerClusterName", d.brokerClusterName))
                .brokerName(r.string("brokerName", d.brokerName))
                .brokerId(r.longValue("brokerId", d.brokerId, 0, Long.MAX_VALUE))
                .brokerIp(r.string("brokerIp", null))
                .bindAddress(r.string("bindAddress", d.bindAddress))
                .listenPort(r.intValue("listenPort", d.listenPort, 0, 65_535))
                .metricsPort(r.intValue("metricsPort", d.metricsPort, -1, 65_535))
                .namesrvAddrs(namesrvAddrs(r.string("namesrvAddrs", "")))
                .storePath(Path.of(r.string("storePath", d.storePath.toString())))
                .flushMode(flushMode(r.string("flushMode", d.flushMode.name())))
                .autoCreateTopic(r.bool("autoCreateTopic", d.autoCreateTopic))
                .defaultTopicQueueNums(r.intValue("defaultTopicQueueNums", d.defaultTopicQueueNums, 1,
                        TopicConfig.MAX_QUEUE_NUMS))
                .maxMessageBytes(r.intValue("maxMessageBytes", d.maxMessageBytes, 1, 64 << 20))
                .maxPropertiesBytes(r.intValue("maxPropertiesBytes", d.maxPropertiesBytes, 64,
                        BrokerConfig.MAX_PROPERTIES_BYTES_LIMIT))
                .maxBatchMessages(r.intValue("maxBatchMessages", d.maxBatchMessages, 1, 100_000))
                .maxPullMessages(r.intValue("maxPullMessages", d.maxPullMessages, 1, 10_000))
                .maxPullBytes(r.intValue("maxPullBytes", d.maxPullBytes, 1024, FrameLayout.MAX_PULL_RESPONSE_BODY_BYTES))
                .registerIntervalMs(r.longValue("registerIntervalMs", d.registerIntervalMs, 100, 600_000))
                .registerTimeoutMs(r.longValue("registerTimeoutMs", d.registerTimeoutMs, 100, 60_000))
                .clientExpireMs(r.longValue("clientExpireMs", d.clientExpireMs, 1_000, 3_600_000))
                .longPollingMaxMs(r.longValue("longPollingMaxMs", d.longPollingMaxMs, 0, 300_000))
                .longPollingCheckIntervalMs(r.longValue("longPollingCheckIntervalMs", d.longPollingCheckIntervalMs,
                        10, 10_000))
                .longPollingMaxHeld(r.intValue("longPollingMaxHeld", d.longPollingMaxHeld, 1, 1_000_000))
                .longPollingMaxHeldPerConnection(r.intValue("longPollingMaxHeldPerConnection",
                        d.longPollingMaxHeldPerConnection, 1, 1_000_000))
                .retryTopicCreatesPerSecond(r.intValue("retryTopicCreatesPerSecond", d.retryTopicCreatesPerSecond, 1,
                        10_000))
                .offsetFlushIntervalMs(r.longValue("offsetFlushIntervalMs", d.offsetFlushIntervalMs, 100, 600_000))
                .transactionCheckIntervalMs(r.longValue("transactionCheckIntervalMs", d.transactionCheckIntervalMs,
                        10, 3_600_000))
                .transactionTimeoutMs(r.longValue("transactionTimeoutMs", d.transactionTimeoutMs, 10, 86_400_000))
                .transactionCheckMax(r.intValue("transactionCheckMax", d.transactionCheckMax, 1, 1_000))
                .transactionMaxTrackedDecisions(r.intValue("transactionMaxTrackedDecisions",
                        d.transactionMaxTrackedDecisions, 1_000, 10_000_000))
                .rebalanceLockMaxLiveMs(r.longValue("rebalanceLockMaxLiveMs", d.rebalanceLockMaxLiveMs, 100, 3_600_000))
                .sendThreads(r.intValue("sendThreads", d.sendThreads, 1, 256))
                .sendOnIoThread(r.bool("sendOnIoThread", d.sendOnIoThread))
                .pullThreads(r.intValue("pullThreads", d.pullThreads, 1, 256))
                .clientThreads(r.intValue("clientThreads", d.clientThreads, 1, 256))
                .adminThreads(r.intValue("adminThreads", d.adminThreads, 1, 64))
                .requestQueueCapacity(r.intValue("requestQueueCapacity", d.requestQueueCapacity, 16, 1_000_000))
                // ranges of the timer keys are checked by TimerSettings, together
                .timerEnable(r.bool("timerEnable", d.timerEnable))
                .timerMaxDelayMs(r.longValue("timerMaxDelayMs", d.timerMaxDelayMs, 0, Long.MAX_VALUE))
                .timerPrecisionMs(r.longValue("timerPrecisionMs", d.timerPrecisionMs, 0, Long.MAX_VALUE))
                .timerLookAheadMs(r.longValue("timerLookAheadMs", d.timerLookAheadMs, 0, Long.MAX_VALUE))
                .timerRollWindowMs(r.longValue("timerRollWindowMs", d.timerRollWindowMs, 0, Long.MAX_VALUE))
                .timerMaxInFlight(r.intValue("timerMaxInFlight", d.timerMaxInFlight, 0, Integer.MAX_VALUE))
                .retryBackoffSchedule(r.string("retryBackoffSchedule", d.retryBackoffSchedule))
                .haConfig(haConfig(r, d.haConfig));
        Set<String> rest = r.unreadKeys();
        Map<String, String> store = new TreeMap<>();
        for (String key : rest) {
            store.put(key, props.getProperty(key).trim());
        }
        return b.storeProperties(store).build();
    }

    private static HaConfig haConfig(ConfigReader r, HaConfig d) {
        try {
            return new HaConfig(BrokerRole.valueOf(r.string("brokerRole", d.role().name()).toUpperCase(Locale.ROOT)),
                    r.intValue("haListenPort", d.haListenPort(), -1, 65_535),
                    r.string("haMasterAddress", d.haMasterAddress()),
                    ReplicationMode.valueOf(r.string("replicationMode", d.replicationMode().name())
                            .toUpperCase(Locale.ROOT)),
                    r.intValue("minInSyncReplicas", d.minInSyncReplicas(), 1, 16),
                    r.longValue("replicaLagMaxMs", d.replicaLagMaxMs(), 100, 3_600_000),
                    r.longValue("replicaAckTimeoutMs", d.replicaAckTimeoutMs(), 10, 3_600_000),
                    r.intValue("haTransferBatchBytes", d.haTransferBatchBytes(), 64 * 1024, 8 << 20),
                    r.longValue("haFetchMaxWaitMs", d.haFetchMaxWaitMs(), 1, 60_000),
                    r.bool("haAdoptExistingStore", d.haAdoptExistingStore()));
        } catch (HaConfigException e) {
            throw new BrokerConfigException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException("brokerRole must be MASTER or SLAVE and replicationMode ASYNC or SYNC: "
                    + e.getMessage(), e);
        }
    }

    private static FlushMode flushMode(String raw) {
        try {
            return FlushMode.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException("flushMode = '" + raw + "' is not a flush mode; use ASYNC or SYNC");
        }
    }

    private static List<String> namesrvAddrs(String raw) {
        try {
            return HostPort.parseListAsText(raw, "namesrvAddrs entry");
        } catch (InvalidAddressException e) {
            throw new BrokerConfigException(e.getMessage(), e);
        }
    }
}
