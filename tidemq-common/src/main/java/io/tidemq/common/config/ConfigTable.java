package io.tidemq.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The configuration keys of one role (broker, NameServer, store, client), each declared once as a
 * {@link ConfigKey} with the builder setter it binds to. From this one table come:
 * <ul>
 *   <li>binding: {@link #bind} parses each given key into the role's builder (range-checked, typos refused);</li>
 *   <li>validation: the role's config checks its values against the same keys' ranges;</li>
 *   <li>documentation: {@link #markdownRows()} are the rows of the role's table in docs/configuration.md, and a
 *       test of each role fails when the two disagree.</li>
 * </ul>
 * Immutable and thread-safe once built.
 *
 * @param <B> the role's config builder
 */
public final class ConfigTable<B> {

    /** One key and where its value goes. */
    private record Entry<B, T>(ConfigKey<T> key, BiConsumer<B, T> setter) {
        void bind(B builder, String raw, Function<String, ? extends RuntimeException> error) {
            setter.accept(builder, key.parse(raw, error));
        }
    }

    private final String role;
    /** In documentation order. */
    private final Map<String, Entry<B, ?>> entries;

    private ConfigTable(String role, Map<String, Entry<B, ?>> entries) {
        this.role = role;
        this.entries = entries;
    }

    /** @param role how errors name the role: "broker", "NameServer", ... */
    public static <B> Builder<B> builder(String role) {
        return new Builder<>(role);
    }

    /** Collects the keys of a table, in documentation order. Not thread-safe. */
    public static final class Builder<B> {
        private final String role;
        private final Map<String, Entry<B, ?>> entries = new LinkedHashMap<>();

        private Builder(String role) {
            this.role = role;
        }

        /** Adds {@code key}, whose parsed value goes to {@code setter}; a key given twice is refused. */
        public <T> Builder<B> key(ConfigKey<T> key, BiConsumer<B, T> setter) {
            if (entries.putIfAbsent(key.name(), new Entry<>(key, setter)) != null) {
                throw new IllegalArgumentException(role + " config key " + key.name() + " is declared twice");
            }
            return this;
        }

        public ConfigTable<B> build() {
            return new ConfigTable<>(role, Collections.unmodifiableMap(new LinkedHashMap<>(entries)));
        }
    }

    /** The key names, in documentation order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(entries.keySet()));
    }

    /** The keys, in documentation order. */
    public List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        entries.values().forEach(e -> keys.add(e.key()));
        return keys;
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * Parses every key of {@code values} this table knows into {@code builder}. An empty value of a key that is not
     * text leaves the builder's default.
     *
     * @param error makes the role's exception from a message naming the key and what is allowed
     * @return the keys of {@code values} this table does not know, in their order
     */
    public List<String> bind(B builder, Map<String, String> values, Function<String, ? extends RuntimeException> error) {
        List<String> unknown = new ArrayList<>();
        values.forEach((name, raw) -> {
            Entry<B, ?> entry = entries.get(name);
            if (entry == null) {
                unknown.add(name);
            } else if (!raw.isBlank() || entry.key().type() == String.class) {
                entry.bind(builder, raw, error);
            }
        });
        return unknown;
    }

    /** Like {@link #bind(Object, Map, Function)}, refusing a key this table does not know. */
    public void bindAll(B builder, Map<String, String> values, Function<String, ? extends RuntimeException> error) {
        for (String name : bind(builder, values, error)) {
            throw error.apply("unknown " + role + " config key '" + name + "'; known keys are " + entries.keySet());
        }
    }

    /** The values of {@code properties}, in a stable (sorted) order. */
    public static Map<String, String> values(Properties properties) {
        Map<String, String> values = new java.util.TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name));
        }
        return values;
    }

    /**
     * One entry per key, in documentation order, as GET_BROKER_CONFIG / GET_NAMESRV_CONFIG report them.
     *
     * @param values      the value each key runs with, as text (a key missing here reports "")
     * @param dynamicKeys the keys a running server changes when asked
     */
    public List<io.tidemq.common.protocol.body.ConfigSnapshot.Entry> entries(Map<String, String> values,
                                                                            Set<String> dynamicKeys) {
        List<io.tidemq.common.protocol.body.ConfigSnapshot.Entry> list = new ArrayList<>();
        for (Entry<B, ?> e : entries.values()) {
            ConfigKey<?> key = e.key();
            String value = values.get(key.name());
            list.add(new io.tidemq.common.protocol.body.ConfigSnapshot.Entry(key.name(), value == null ? "" : value,
                    key.defaultText().replace("`", ""), key.unit() == null ? "" : key.unit(),
                    dynamicKeys.contains(key.name())));
        }
        return list;
    }

    /** The rows of this role's table in docs/configuration.md, in order. */
    public List<String> markdownRows() {
        List<String> rows = new ArrayList<>();
        entries.values().forEach(e -> rows.add(e.key().markdownRow()));
        return rows;
    }

    /**
     * The key rows of the first table under {@code heading} (a line such as {@code "## Broker"}) of the markdown
     * file {@code doc}: the lines starting with {@code "| `"}, up to the end of that table.
     */
    public static List<String> documentedRows(Path doc, String heading) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        int at = lines.indexOf(heading);
        if (at < 0) {
            throw new IllegalStateException(doc + " has no section '" + heading + "'");
        }
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i);
            if (line.startsWith("|")) {
                inTable = true;
                if (line.startsWith("| `")) {
                    rows.add(line);
                }
            } else if (inTable) {
                break;
            }
        }
        return rows;
    }

    /** docs/configuration.md, looked for from the working directory upwards (tests run in a module directory). */
    public static Path locateConfigurationDoc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/configuration.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/configuration.md not found above " + Path.of("").toAbsolutePath());
    }

    @Override
    public String toString() {
        return role + " config keys " + entries.keySet();
    }
}
