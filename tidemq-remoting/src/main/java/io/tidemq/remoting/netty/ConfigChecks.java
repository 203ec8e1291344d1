package io.tidemq.remoting.netty;

/** Range checks for the config objects; the message names the key and the allowed range. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static int inRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static String notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return value;
    }

    /** A default thread count for network I/O: one per core, at most 4. */
    static int defaultSelectorThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
