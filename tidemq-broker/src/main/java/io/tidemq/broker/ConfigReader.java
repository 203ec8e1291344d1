package io.tidemq.broker;

import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

/**
 * Typed, range-checked reads of a {@link Properties} file, remembering which keys were read so the caller can
 * reject the ones nobody knows (a typo in a key must not silently fall back to a default).
 * Not thread-safe; used once while a configuration is built.
 */
final class ConfigReader {

    private final Properties props;
    private final Set<String> consumed = new HashSet<>();

    ConfigReader(Properties props) {
        this.props = props;
    }

    boolean has(String key) {
        return props.getProperty(key) != null;
    }

    String string(String key, String defaultValue) {
        consumed.add(key);
        String v = props.getProperty(key);
        return v == null ? defaultValue : v.trim();
    }

    long longValue(String key, long defaultValue, long min, long max) {
        String raw = string(key, null);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        long v;
        try {
            v = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new BrokerConfigException(key + " = '" + raw + "' is not a whole number; give a value in ["
                    + min + ", " + max + "]");
        }
        return checkRange(key, v, min, max);
    }

    int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    boolean bool(String key, boolean defaultValue) {
        String raw = string(key, null);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new BrokerConfigException(key + " = '" + raw + "' is not a boolean; use true or false");
    }

    /** The keys present in the file that no read asked for. */
    Set<String> unreadKeys() {
        Set<String> unread = new HashSet<>(props.stringPropertyNames());
        unread.removeAll(consumed);
        return unread;
    }

    static long checkRange(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new BrokerConfigException(key + " = " + v + " is out of range; allowed [" + min + ", " + max + "]");
        }
        return v;
    }
}
