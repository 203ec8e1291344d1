package io.tidemq.common.protocol.body;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Body of UPDATE_BROKER_CONFIG and UPDATE_NAMESRV_CONFIG (JSON): the keys to change, each with its new value as a
 * properties file would write it. The server applies all of them or none.
 */
public record ConfigUpdates(Map<String, String> updates) {

    public ConfigUpdates {
        updates = updates == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(updates));
    }
}
