package io.tidemq.broker;

import io.tidemq.store.StoreConfig;
import io.tidemq.store.commitlog.AppendLock;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the store's configuration from a {@link BrokerConfig}: storePath, flushMode and maxMessageBytes come
 * from the broker's own keys, every other store key from {@link BrokerConfig#storeProperties()}. A key neither
 * the broker nor the store knows fails here, naming the keys that are known.
 */
public final class StoreConfigBinder {

    /** The store keys a broker file may set, besides storePath, flushMode and maxMessageBytes. */
    public static final Set<String> STORE_KEYS = Set.of(
            "commitLogFileBytes", "consumeQueueEntriesPerFile", "flushIntervalMs", "flushLeastPages",
            "flushThoroughIntervalMs", "syncFlushTimeoutMs", "flushConsumeQueueIntervalMs", "retentionHours",
            "diskMaxUsedRatio", "deleteCheckIntervalMs", "deleteFilesPerRun", "warmMappedFiles",
            "preallocateNextFile", "appendLockType", "keyIndexEnabled", "indexHashSlots", "indexMaxEntriesPerFile",
            "maxScanEntriesPerGet");

    private StoreConfigBinder() {
    }

    /** @throws BrokerConfigException for an unknown key or a value the store rejects */
    public static StoreConfig bind(BrokerConfig broker) {
        Map<String, String> extra = broker.storeProperties();
        Set<String> unknown = new TreeSet<>(extra.keySet());
        unknown.removeAll(STORE_KEYS);
        if (!unknown.isEmpty()) {
            throw new BrokerConfigException("unknown configuration key(s) " + unknown + "; broker keys are listed in"
                    + " docs/configuration.md (## Broker), store keys are " + new TreeSet<>(STORE_KEYS));
        }
        Properties p = new Properties();
        p.putAll(extra);
        ConfigReader r = new ConfigReader(p);
        StoreConfig.Builder b = StoreConfig.builder(broker.storePath())
                .flushMode(broker.flushMode())
                .maxMessageBytes(broker.maxMessageBytes());
        try {
            if (r.has("commitLogFileBytes")) {
                b.commitLogFileBytes(r.intValue("commitLogFileBytes", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("consumeQueueEntriesPerFile")) {
                b.consumeQueueEntriesPerFile(r.intValue("consumeQueueEntriesPerFile", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("flushIntervalMs")) {
                b.flushIntervalMs(r.longValue("flushIntervalMs", 0, 0, Long.MAX_VALUE));
            }
            if (r.has("flushLeastPages")) {
                b.flushLeastPages(r.intValue("flushLeastPages", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("flushThoroughIntervalMs")) {
                b.flushThoroughIntervalMs(r.longValue("flushThoroughIntervalMs", 0, 0, Long.MAX_VALUE));
            }
            if (r.has("syncFlushTimeoutMs")) {
                b.syncFlushTimeoutMs(r.longValue("syncFlushTimeoutMs", 0, 0, Long.MAX_VALUE));
            }
            if (r.has("flushConsumeQueueIntervalMs")) {
                b.flushConsumeQueueIntervalMs(r.longValue("flushConsumeQueueIntervalMs", 0, 0, Long.MAX_VALUE));
            }
            if (r.has("retentionHours")) {
                b.retentionHours(r.intValue("retentionHours", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("diskMaxUsedRatio")) {
                b.diskMaxUsedRatio(parseDouble("diskMaxUsedRatio", r.string("diskMaxUsedRatio", null)));
            }
            if (r.has("deleteCheckIntervalMs")) {
                b.deleteCheckIntervalMs(r.longValue("deleteCheckIntervalMs", 0, 0, Long.MAX_VALUE));
            }
            if (r.has("deleteFilesPerRun")) {
                b.deleteFilesPerRun(r.intValue("deleteFilesPerRun", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("warmMappedFiles")) {
                b.warmMappedFiles(r.bool("warmMappedFiles", true));
            }
            if (r.has("preallocateNextFile")) {
                b.preallocateNextFile(r.bool("preallocateNextFile", true));
            }
            if (r.has("appendLockType")) {
                b.appendLockType(appendLockType(r.string("appendLockType", null)));
            }
            if (r.has("keyIndexEnabled")) {
                b.keyIndexEnabled(r.bool("keyIndexEnabled", true));
            }
            if (r.has("indexHashSlots")) {
                b.indexHashSlots(r.intValue("indexHashSlots", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("indexMaxEntriesPerFile")) {
                b.indexMaxEntriesPerFile(r.intValue("indexMaxEntriesPerFile", 0, 0, Integer.MAX_VALUE));
            }
            if (r.has("maxScanEntriesPerGet")) {
                b.maxScanEntriesPerGet(r.intValue("maxScanEntriesPerGet", 0, 0, Integer.MAX_VALUE));
            }
            return b.build();
        } catch (BrokerConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException("store configuration: " + e.getMessage(), e);
        }
    }

    private static double parseDouble(String key, String raw) {
        try {
            return Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new BrokerConfigException(key + " = '" + raw + "' is not a number; give a ratio such as 0.85");
        }
    }

    private static AppendLock.Type appendLockType(String raw) {
        try {
            return AppendLock.Type.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException("appendLockType = '" + raw + "' is unknown; use SPIN or REENTRANT");
        }
    }
}
