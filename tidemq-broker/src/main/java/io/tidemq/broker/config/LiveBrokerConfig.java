package io.tidemq.broker.config;

import io.tidemq.broker.ha.HaConfig;
import io.tidemq.common.config.ConfigTable;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.store.api.StoreConfigKeys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The configuration a running broker is in: one immutable {@link BrokerConfig}, replaced as a whole by a copy with
 * the changed keys when an operator runs {@code tidemq admin config set} (UPDATE_BROKER_CONFIG). Only
 * {@link #DYNAMIC_KEYS} change this way: they are read by the request processors at each request. Every other key
 * was read once at start (ports, paths, thread pools, the store's files), so a change to it is refused with the
 * advice to put it in the properties file and restart.
 *
 * <p>Thread-safety: {@code current} is volatile, read by request threads; {@link #update} is synchronized so two
 * updates never lose each other's keys.
 */
public final class LiveBrokerConfig implements Supplier<BrokerConfig> {

    /** The keys UPDATE_BROKER_CONFIG changes while the broker runs. */
    public static final Set<String> DYNAMIC_KEYS = Set.of(BrokerConfigKeys.AUTO_CREATE_TOPIC.name(),
            BrokerConfigKeys.MAX_BATCH_MESSAGES.name(), BrokerConfigKeys.MAX_PULL_MESSAGES.name(),
            BrokerConfigKeys.LONG_POLLING_MAX_MS.name());

    /** Written by {@link #update} (under {@code this}), read by any thread. */
    private volatile BrokerConfig current;

    public LiveBrokerConfig(BrokerConfig initial) {
        this.current = initial;
    }

    /** The configuration in force now. */
    @Override
    public BrokerConfig get() {
        return current;
    }

    /**
     * Every broker and store key with the value the broker runs with.
     *
     * @param observed values known only once running (the bound {@code listenPort}), overriding the configured ones
     */
    public ConfigSnapshot snapshot(Map<String, String> observed) {
        BrokerConfig c = current;
        Map<String, String> values = values(c);
        values.putAll(observed);
        List<ConfigSnapshot.Entry> entries = new ArrayList<>(BrokerConfigKeys.TABLE.entries(values, DYNAMIC_KEYS));
        Map<String, String> store = new LinkedHashMap<>();
        StoreConfigKeys.TABLE.keys().forEach(k -> store.put(k.name(),
                c.storeProperties().getOrDefault(k.name(), String.valueOf(k.defaultValue()))));
        entries.addAll(StoreConfigKeys.TABLE.entries(store, Set.of()));
        return new ConfigSnapshot("broker", entries);
    }

    /**
     * Applies {@code updates} (key → value text) together, or none of them.
     *
     * @return the configuration before the change
     * @throws BrokerConfigException when a key is unknown, not dynamic, or its value is invalid; nothing changed
     */
    public synchronized BrokerConfig update(Map<String, String> updates) {
        if (updates.isEmpty()) {
            throw new BrokerConfigException("no key to change; give KEY=VALUE");
        }
        Set<String> unknown = new TreeSet<>();
        Set<String> restartOnly = new TreeSet<>();
        for (String key : updates.keySet()) {
            if (DYNAMIC_KEYS.contains(key)) {
                continue;
            }
            if (BrokerConfigKeys.TABLE.contains(key) || StoreConfigKeys.TABLE.contains(key)) {
                restartOnly.add(key);
            } else {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new BrokerConfigException("unknown broker config key(s) " + unknown + "; nothing was changed. Keys"
                    + " a running broker changes: " + new TreeSet<>(DYNAMIC_KEYS));
        }
        if (!restartOnly.isEmpty()) {
            throw new BrokerConfigException(restartOnly + (restartOnly.size() == 1 ? " takes" : " take")
                    + " effect only when the broker starts: set " + (restartOnly.size() == 1 ? "it" : "them")
                    + " in the broker's properties file (tidemq broker --config FILE) and restart it; nothing was"
                    + " changed. Keys a running broker changes: " + new TreeSet<>(DYNAMIC_KEYS));
        }
        BrokerConfig before = current;
        BrokerConfig.Builder builder = before.toBuilder();
        BrokerConfigKeys.TABLE.bindAll(builder, updates, BrokerConfigException::new);
        current = builder.build();
        return before;
    }

    /** The value of every broker key in {@code c}, as a properties file would give it. */
    static Map<String, String> values(BrokerConfig c) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(BrokerConfigKeys.BROKER_CLUSTER_NAME.name(), c.brokerClusterName());
        v.put(BrokerConfigKeys.BROKER_NAME.name(), c.brokerName());
        v.put(BrokerConfigKeys.BROKER_ID.name(), Long.toString(c.brokerId()));
        v.put(BrokerConfigKeys.BROKER_IP.name(), c.brokerIp());
        v.put(BrokerConfigKeys.LISTEN_PORT.name(), Integer.toString(c.listenPort()));
        v.put(BrokerConfigKeys.METRICS_PORT.name(), Integer.toString(c.metricsPort()));
        v.put(BrokerConfigKeys.BIND_ADDRESS.name(), c.bindAddress());
        v.put(BrokerConfigKeys.NAMESRV_ADDRS.name(), String.join(";", c.namesrvAddrs()));
        v.put(BrokerConfigKeys.STORE_PATH.name(), c.storePath().toString());
        v.put(BrokerConfigKeys.FLUSH_MODE.name(), c.flushMode().name());
        v.put(BrokerConfigKeys.AUTO_CREATE_TOPIC.name(), Boolean.toString(c.autoCreateTopic()));
        v.put(BrokerConfigKeys.DEFAULT_TOPIC_QUEUE_NUMS.name(), Integer.toString(c.defaultTopicQueueNums()));
        v.put(BrokerConfigKeys.MAX_MESSAGE_BYTES.name(), Integer.toString(c.maxMessageBytes()));
        v.put(BrokerConfigKeys.MAX_PROPERTIES_BYTES.name(), Integer.toString(c.maxPropertiesBytes()));
        v.put(BrokerConfigKeys.MAX_BATCH_MESSAGES.name(), Integer.toString(c.maxBatchMessages()));
        v.put(BrokerConfigKeys.MAX_PULL_MESSAGES.name(), Integer.toString(c.maxPullMessages()));
        v.put(BrokerConfigKeys.MAX_PULL_BYTES.name(), Integer.toString(c.maxPullBytes()));
        v.put(BrokerConfigKeys.REGISTER_INTERVAL_MS.name(), Long.toString(c.registerIntervalMs()));
        v.put(BrokerConfigKeys.REGISTER_TIMEOUT_MS.name(), Long.toString(c.registerTimeoutMs()));
        v.put(BrokerConfigKeys.STATS_INTERVAL_MS.name(), Long.toString(c.statsIntervalMs()));
        v.put(BrokerConfigKeys.CLIENT_EXPIRE_MS.name(), Long.toString(c.clientExpireMs()));
        v.put(BrokerConfigKeys.LONG_POLLING_MAX_MS.name(), Long.toString(c.longPollingMaxMs()));
        v.put(BrokerConfigKeys.LONG_POLLING_CHECK_INTERVAL_MS.name(), Long.toString(c.longPollingCheckIntervalMs()));
        v.put(BrokerConfigKeys.LONG_POLLING_MAX_HELD.name(), Integer.toString(c.longPollingMaxHeld()));
        v.put(BrokerConfigKeys.LONG_POLLING_MAX_HELD_PER_CONNECTION.name(),
                Integer.toString(c.longPollingMaxHeldPerConnection()));
        v.put(BrokerConfigKeys.RETRY_TOPIC_CREATES_PER_SECOND.name(), Integer.toString(c.retryTopicCreatesPerSecond()));
        v.put(BrokerConfigKeys.OFFSET_FLUSH_INTERVAL_MS.name(), Long.toString(c.offsetFlushIntervalMs()));
        v.put(BrokerConfigKeys.TRANSACTION_CHECK_INTERVAL_MS.name(), Long.toString(c.transactionCheckIntervalMs()));
        v.put(BrokerConfigKeys.TRANSACTION_TIMEOUT_MS.name(), Long.toString(c.transactionTimeoutMs()));
        v.put(BrokerConfigKeys.TRANSACTION_CHECK_MAX.name(), Integer.toString(c.transactionCheckMax()));
        v.put(BrokerConfigKeys.TRANSACTION_MAX_TRACKED_DECISIONS.name(),
                Integer.toString(c.transactionMaxTrackedDecisions()));
        v.put(BrokerConfigKeys.REBALANCE_LOCK_MAX_LIVE_MS.name(), Long.toString(c.rebalanceLockMaxLiveMs()));
        TimerSettings t = c.timerSettings();
        v.put(BrokerConfigKeys.TIMER_ENABLE.name(), Boolean.toString(t.enabled()));
        v.put(BrokerConfigKeys.TIMER_MAX_DELAY_MS.name(), Long.toString(t.maxDelayMs()));
        v.put(BrokerConfigKeys.TIMER_PRECISION_MS.name(), Long.toString(t.precisionMs()));
        v.put(BrokerConfigKeys.TIMER_LOOK_AHEAD_MS.name(), Long.toString(t.lookAheadMs()));
        v.put(BrokerConfigKeys.TIMER_ROLL_WINDOW_MS.name(), Long.toString(t.rollWindowMs()));
        v.put(BrokerConfigKeys.TIMER_MAX_IN_FLIGHT.name(), Integer.toString(t.maxInFlight()));
        v.put(BrokerConfigKeys.RETRY_BACKOFF_SCHEDULE.name(), c.retryBackoffSchedule().toString());
        v.put(BrokerConfigKeys.SEND_THREADS.name(), Integer.toString(c.sendThreads()));
        v.put(BrokerConfigKeys.SEND_ON_IO_THREAD.name(), Boolean.toString(c.sendOnIoThread()));
        v.put(BrokerConfigKeys.LIVE_PULLS_ON_IO_THREAD.name(), Boolean.toString(c.livePullsOnIoThread()));
        v.put(BrokerConfigKeys.PULL_THREADS.name(), Integer.toString(c.pullThreads()));
        v.put(BrokerConfigKeys.CLIENT_THREADS.name(), Integer.toString(c.clientThreads()));
        v.put(BrokerConfigKeys.ADMIN_THREADS.name(), Integer.toString(c.adminThreads()));
        v.put(BrokerConfigKeys.REQUEST_QUEUE_CAPACITY.name(), Integer.toString(c.requestQueueCapacity()));
        HaConfig ha = c.haConfig();
        v.put(BrokerConfigKeys.BROKER_ROLE.name(), ha.role().name());
        v.put(BrokerConfigKeys.HA_LISTEN_PORT.name(), Integer.toString(ha.haListenPort()));
        v.put(BrokerConfigKeys.HA_MASTER_ADDRESS.name(), ha.haMasterAddress() == null ? "" : ha.haMasterAddress());
        v.put(BrokerConfigKeys.REPLICATION_MODE.name(), ha.replicationMode().name());
        v.put(BrokerConfigKeys.MIN_IN_SYNC_REPLICAS.name(), Integer.toString(ha.minInSyncReplicas()));
        v.put(BrokerConfigKeys.REPLICA_LAG_MAX_MS.name(), Long.toString(ha.replicaLagMaxMs()));
        v.put(BrokerConfigKeys.REPLICA_ACK_TIMEOUT_MS.name(), Long.toString(ha.replicaAckTimeoutMs()));
        v.put(BrokerConfigKeys.HA_TRANSFER_BATCH_BYTES.name(), Integer.toString(ha.haTransferBatchBytes()));
        v.put(BrokerConfigKeys.HA_FETCH_MAX_WAIT_MS.name(), Long.toString(ha.haFetchMaxWaitMs()));
        v.put(BrokerConfigKeys.HA_ADOPT_EXISTING_STORE.name(), Boolean.toString(ha.haAdoptExistingStore()));
        v.put(BrokerConfigKeys.TRUNCATED_BACKUP.name(), Boolean.toString(ha.truncatedBackup()));
        v.put(BrokerConfigKeys.CONTROLLER_ADDRESSES.name(), String.join(";", c.controllerAddresses()));
        v.put(BrokerConfigKeys.CONTROLLER_HEARTBEAT_INTERVAL_MS.name(), Long.toString(c.controllerHeartbeatIntervalMs()));
        v.put(BrokerConfigKeys.HA_ADVERTISED_ADDRESS.name(), c.haAdvertisedAddress());
        return v;
    }

    /** For tests: the keys of {@code table} that {@link #values} leaves out (none, or a key was added without it). */
    static Set<String> missingValues(ConfigTable<?> table, BrokerConfig c) {
        Set<String> missing = new TreeSet<>(table.names());
        missing.removeAll(values(c).keySet());
        return missing;
    }
}
