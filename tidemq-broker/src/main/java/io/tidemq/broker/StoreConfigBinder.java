package io.tidemq.broker;

import io.tidemq.store.StoreConfig;
import io.tidemq.store.commitlog.AppendLock;

import java.util.LinkedHashMap;
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

    /** How one store key is read from the broker's properties into the store's builder. */
    @FunctionalInterface
    private interface Binding {
        void bind(StoreConfig.Builder builder, ConfigReader reader, String key);
    }

    /** Every store key a broker file may set (besides storePath, flushMode and maxMessageBytes), in doc order. */
    private static final Map<String, Binding> BINDINGS = new LinkedHashMap<>();

    static {
        BINDINGS.put("commitLogFileBytes", (b, r, k) -> b.commitLogFileBytes(anInt(r, k)));
        BINDINGS.put("consumeQueueEntriesPerFile", (b, r, k) -> b.consumeQueueEntriesPerFile(anInt(r, k)));
        BINDINGS.put("flushIntervalMs", (b, r, k) -> b.flushIntervalMs(aLong(r, k)));
        BINDINGS.put("flushLeastPages", (b, r, k) -> b.flushLeastPages(anInt(r, k)));
        BINDINGS.put("flushThoroughIntervalMs", (b, r, k) -> b.flushThoroughIntervalMs(aLong(r, k)));
        BINDINGS.put("syncFlushTimeoutMs", (b, r, k) -> b.syncFlushTimeoutMs(aLong(r, k)));
        BINDINGS.put("flushConsumeQueueIntervalMs", (b, r, k) -> b.flushConsumeQueueIntervalMs(aLong(r, k)));
        BINDINGS.put("retentionHours", (b, r, k) -> b.retentionHours(anInt(r, k)));
        BINDINGS.put("diskMaxUsedRatio", (b, r, k) -> b.diskMaxUsedRatio(parseDouble(k, r.string(k, null))));
        BINDINGS.put("diskReserveBytes", (b, r, k) -> b.diskReserveBytes(r.longValue(k, -1, -1, 1L << 50)));
        BINDINGS.put("deleteCheckIntervalMs", (b, r, k) -> b.deleteCheckIntervalMs(aLong(r, k)));
        BINDINGS.put("deleteFilesPerRun", (b, r, k) -> b.deleteFilesPerRun(anInt(r, k)));
        BINDINGS.put("warmMappedFiles", (b, r, k) -> b.warmMappedFiles(r.bool(k, true)));
        BINDINGS.put("preallocateNextFile", (b, r, k) -> b.preallocateNextFile(r.bool(k, true)));
        BINDINGS.put("appendLockType", (b, r, k) -> b.appendLockType(appendLockType(r.string(k, null))));
        BINDINGS.put("keyIndexEnabled", (b, r, k) -> b.keyIndexEnabled(r.bool(k, true)));
        BINDINGS.put("indexHashSlots", (b, r, k) -> b.indexHashSlots(anInt(r, k)));
        BINDINGS.put("indexMaxEntriesPerFile", (b, r, k) -> b.indexMaxEntriesPerFile(anInt(r, k)));
        BINDINGS.put("maxScanEntriesPerGet", (b, r, k) -> b.maxScanEntriesPerGet(anInt(r, k)));
    }

    /** The store keys a broker file may set, besides storePath, flushMode and maxMessageBytes. */
    public static final Set<String> STORE_KEYS = Set.copyOf(BINDINGS.keySet());

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
            BINDINGS.forEach((key, binding) -> {
                if (r.has(key)) {
                    binding.bind(b, r, key);
                }
            });
            return b.build();
        } catch (BrokerConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException("store configuration: " + e.getMessage(), e);
        }
    }

    /** Range checks are the store's: it names the key and its allowed range. */
    private static int anInt(ConfigReader r, String key) {
        return r.intValue(key, 0, 0, Integer.MAX_VALUE);
    }

    private static long aLong(ConfigReader r, String key) {
        return r.longValue(key, 0, 0, Long.MAX_VALUE);
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
