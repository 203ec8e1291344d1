package io.tidemq.common.protocol.body;

import java.util.List;

/**
 * Body of the GET_BROKER_CONFIG / GET_NAMESRV_CONFIG responses and of the UPDATE_* responses (JSON): every
 * configuration key of the server's role, in the order of docs/configuration.md, with the value it runs with.
 *
 * @param role    "broker" or "NameServer"
 * @param entries one per key
 */
public record ConfigSnapshot(String role, List<Entry> entries) {

    public ConfigSnapshot {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /**
     * One key.
     *
     * @param key          the key as written in a properties file
     * @param value        the value the server runs with, as text ("" when the key has none)
     * @param defaultValue the key's default, as docs/configuration.md gives it
     * @param unit         the unit ("ms", "bytes", ...), or ""
     * @param dynamic      {@code true} when UPDATE_*_CONFIG changes it on the running server; {@code false} when it
     *                     takes effect only when the server restarts with it in its properties file
     */
    public record Entry(String key, String value, String defaultValue, String unit, boolean dynamic) {
    }

    /** The entry of {@code key}, or {@code null}. */
    public Entry entry(String key) {
        for (Entry e : entries) {
            if (e.key().equals(key)) {
                return e;
            }
        }
        return null;
    }
}
