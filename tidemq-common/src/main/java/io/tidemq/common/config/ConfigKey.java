package io.tidemq.common.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One configuration key, declared once: its name, its value type (how text becomes a value), its unit, its
 * default, its allowed range and what it means. A role's {@link ConfigTable} lists its keys; binding a
 * properties file, validating a value and the key's row in docs/configuration.md all come from here.
 *
 * <p>Errors name the key and what is allowed: {@code "listenPort must be in [0, 65535], was 70000"}, {@code
 * "flushMode = 'FAST' is not valid; use ASYNC or SYNC"}. They are built by the caller's {@code error} function so each
 * role throws its own typed exception.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {

    /** How the docs give the default of an address detected by {@code LocalAddress} (brokerIp, clientIp). */
    public static final String DETECTED_LOCAL_IPV4 = "first site-local IPv4 of an interface that is up, else another"
            + " non-loopback, non-link-local one, else 127.0.0.1 (one detector, `LocalAddress`, for `brokerIp` and"
            + " `clientIp`)";

    private final String name;
    private final Class<T> type;
    private final Function<String, T> parser;
    /** What a value must be, in "is not ..." errors: "a whole number", "a boolean; use true or false", ... */
    private final String typeText;
    private final String unit;
    private final T defaultValue;
    private final String defaultText;
    /** Inclusive bounds for numbers; null when the key has none. */
    private final Number min;
    private final Number max;
    private final String allowedText;
    private final String doc;

    private ConfigKey(String name, Class<T> type, Function<String, T> parser, String typeText, String unit,
                      T defaultValue, String defaultText, Number min, Number max, String allowedText, String doc) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.parser = parser;
        this.typeText = typeText;
        this.unit = unit;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.allowedText = allowedText;
        this.doc = doc;
    }

    /** A whole number in {@code [min, max]}. */
    public static ConfigKey<Long> ofLong(String name, String unit, long defaultValue, long min, long max, String doc) {
        return new ConfigKey<>(name, Long.class, raw -> Long.parseLong(raw.replace("_", "")), "a whole number", unit,
                defaultValue, String.valueOf(defaultValue), min, max, min + "–" + max, doc);
    }

    /** A whole number in {@code [min, max]} that fits an int. */
    public static ConfigKey<Integer> ofInt(String name, String unit, int defaultValue, int min, int max, String doc) {
        return new ConfigKey<>(name, Integer.class, raw -> Integer.parseInt(raw.replace("_", "")), "a whole number",
                unit, defaultValue, String.valueOf(defaultValue), min, max, min + "–" + max, doc);
    }

    /** A decimal number in {@code [min, max]}. */
    public static ConfigKey<Double> ofDouble(String name, String unit, double defaultValue, double min, double max,
                                             String doc) {
        return new ConfigKey<>(name, Double.class, Double::parseDouble, "a number", unit, defaultValue,
                String.valueOf(defaultValue), min, max, min + "–" + max, doc);
    }

    /** {@code true} or {@code false}, in any case. */
    public static ConfigKey<Boolean> ofBoolean(String name, boolean defaultValue, String doc) {
        return new ConfigKey<>(name, Boolean.class, ConfigKey::parseBoolean, "a boolean; use true or false", "",
                defaultValue, String.valueOf(defaultValue), null, null, "true/false", doc);
    }

    /** Free text (trimmed); further rules are the role's, and {@code allowed} describes them in the docs. */
    public static ConfigKey<String> ofString(String name, String unit, String defaultValue, String allowed,
                                             String doc) {
        return new ConfigKey<>(name, String.class, raw -> raw, "text", unit, defaultValue,
                defaultValue == null ? "(none)" : defaultValue, null, null, allowed, doc);
    }

    /** One of the constants of {@code type}, in any case. */
    public static <E extends Enum<E>> ConfigKey<E> ofEnum(String name, Class<E> type, E defaultValue, String doc) {
        E[] values = type.getEnumConstants();
        String constants = Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
        String choice = Arrays.stream(values, 0, values.length - 1).map(Enum::name).collect(Collectors.joining(", "))
                + (values.length > 1 ? " or " : "") + values[values.length - 1].name();
        return new ConfigKey<>(name, type, raw -> Enum.valueOf(type, raw.toUpperCase(Locale.ROOT)),
                "valid; use " + choice, "", defaultValue, defaultValue.name(), null, null, constants, doc);
    }

    /** The same key whose default reads {@code text} in the docs (e.g. "4194304 (4 MiB)"). */
    public ConfigKey<T> defaultText(String text) {
        return new ConfigKey<>(name, type, parser, typeText, unit, defaultValue, text, min, max, allowedText, doc);
    }

    /** The same key whose unit reads {@code text} in the docs. */
    public ConfigKey<T> unitText(String text) {
        return new ConfigKey<>(name, type, parser, typeText, text, defaultValue, defaultText, min, max, allowedText, doc);
    }

    /** The same key whose allowed values read {@code text} in the docs (e.g. a bound that is another key). */
    public ConfigKey<T> allowedText(String text) {
        return new ConfigKey<>(name, type, parser, typeText, unit, defaultValue, defaultText, min, max, text, doc);
    }

    private static Boolean parseBoolean(String raw) {
        if (raw.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (raw.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException(raw);
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    public String unit() {
        return unit;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String defaultText() {
        return defaultText;
    }

    /** The inclusive lower bound of a number key; null for other keys. */
    public Number min() {
        return min;
    }

    /** The inclusive upper bound of a number key; null for other keys. */
    public Number max() {
        return max;
    }

    public String allowedText() {
        return allowedText;
    }

    public String doc() {
        return doc;
    }

    /**
     * Parses {@code raw} (trimmed) and checks the range.
     *
     * @param error makes the role's exception from a message naming the key and what is allowed
     */
    public T parse(String raw, Function<String, ? extends RuntimeException> error) {
        String text = raw.trim();
        T value;
        try {
            value = parser.apply(text);
        } catch (RuntimeException e) {
            String allowed = min == null ? "" : "; give a value in " + rangeText();
            throw error.apply(name + " = '" + text + "' is not " + typeText + allowed);
        }
        if (value instanceof Number number) {
            check(number, error);
        }
        return value;
    }

    /**
     * Checks that {@code value} is within this key's range.
     *
     * @return {@code value}
     */
    public <N extends Number> N check(N value, Function<String, ? extends RuntimeException> error) {
        if (min != null && (compare(value, min) < 0 || compare(value, max) > 0)) {
            throw error.apply(name + " must be in " + rangeText() + ", was " + value);
        }
        return value;
    }

    public long check(long value, Function<String, ? extends RuntimeException> error) {
        return check(Long.valueOf(value), error);
    }

    public int check(int value, Function<String, ? extends RuntimeException> error) {
        return check(Integer.valueOf(value), error);
    }

    public double check(double value, Function<String, ? extends RuntimeException> error) {
        return check(Double.valueOf(value), error);
    }

    /** {@code [min, max]}, or "" for a key without a range. */
    public String rangeText() {
        return min == null ? "" : "[" + min + ", " + max + "]";
    }

    private static int compare(Number a, Number b) {
        if (a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return Long.compare(a.longValue(), b.longValue());
    }

    /** The key's row in the tables of docs/configuration.md: key, unit, default, allowed, meaning. */
    public String markdownRow() {
        StringBuilder row = new StringBuilder("|");
        for (String cell : new String[] {"`" + name + "`", unit, defaultText, allowedText, doc}) {
            row.append(cell == null || cell.isEmpty() ? " " : " " + cell + " ").append('|');
        }
        return row.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
