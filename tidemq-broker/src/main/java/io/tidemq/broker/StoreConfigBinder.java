package io.tidemq.broker;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.config.BrokerConfigException;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoreConfigKeys;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the store's configuration from a {@link BrokerConfig}: storePath, flushMode and maxMessageBytes come
 * from the broker's own keys, every other store key from {@link BrokerConfig#storeProperties()}, bound with the
 * store's key table ({@link StoreConfigKeys}). A key neither the broker nor the store knows fails here, naming the
 * keys that are known.
 */
public final class StoreConfigBinder {

    /** The store keys a broker file may set, besides storePath, flushMode and maxMessageBytes. */
    public static final Set<String> STORE_KEYS = StoreConfigKeys.TABLE.names();

    private StoreConfigBinder() {
    }

    /** @throws BrokerConfigException for an unknown key or a value the store rejects */
    public static StoreConfig bind(BrokerConfig broker) {
        return bind(broker, io.tidemq.store.api.FileIo.DEFAULT);
    }

    /**
     * As {@link #bind(BrokerConfig)}, the store forcing and allocating its files through {@code fileIo}.
     *
     * @throws BrokerConfigException for an unknown key or a value the store rejects
     */
    public static StoreConfig bind(BrokerConfig broker, io.tidemq.store.api.FileIo fileIo) {
        Map<String, String> extra = broker.storeProperties();
        Set<String> unknown = new TreeSet<>(extra.keySet());
        unknown.removeAll(STORE_KEYS);
        if (!unknown.isEmpty()) {
            throw new BrokerConfigException("unknown configuration key(s) " + unknown + "; broker keys are listed in"
                    + " docs/configuration.md (## Broker), store keys are " + new TreeSet<>(STORE_KEYS));
        }
        StoreConfig.Builder b = StoreConfig.builder(broker.storePath())
                .flushMode(broker.flushMode())
                .maxMessageBytes(broker.maxMessageBytes())
                .fileIo(fileIo);
        try {
            StoreConfigKeys.TABLE.bindAll(b, extra, BrokerConfigException::new);
            return b.build();
        } catch (BrokerConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BrokerConfigException("store configuration: " + e.getMessage(), e);
        }
    }
}
