package io.tidemq.broker.topic;

import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.route.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The topics this broker hosts, persisted in {@code config/topics.json} under the store path.
 *
 * <p>Every change bumps {@link #dataVersion()}, is written to disk before the call returns, and then tells
 * the change listeners (the registrar re-registers with the NameServers at once). Lookups are lock-free map
 * reads because every send and pull does one.
 */
public final class TopicConfigManager {

    private static final Logger LOG = LoggerFactory.getLogger(TopicConfigManager.class);

    /** Written by mutators holding {@code this}; read lock-free by request threads. */
    private final Map<String, TopicConfig> topics = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<TopicConfig>> configListeners = new CopyOnWriteArrayList<>();
    private final AtomicJsonFile file;
    private final int defaultQueueNums;
    /** Guarded by {@code this}; volatile so readers (registration) see the latest without the lock. */
    private volatile long dataVersion;

    /** The file's layout; {@code topics} is sorted so diffs of the file stay readable. */
    public record TopicsFile(long dataVersion, Map<String, TopicConfig> topics) {
    }

    public TopicConfigManager(Path configFile, int defaultQueueNums) {
        this.file = new AtomicJsonFile(configFile);
        this.defaultQueueNums = defaultQueueNums;
    }

    /** Loads the persisted topics; a missing file means a new broker with no topics. */
    public synchronized void load() {
        TopicsFile loaded = file.read(TopicsFile.class);
        if (loaded != null) {
            topics.clear();
            if (loaded.topics() != null) {
                topics.putAll(loaded.topics());
            }
            dataVersion = loaded.dataVersion();
            LOG.info("loaded {} topics (dataVersion {}) from {}", topics.size(), dataVersion, file.path());
        }
    }

    /** Called after every change, on the thread that made it, outside any lock of this manager. */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(listener);
    }

    /**
     * Called with a topic's configuration after this broker created the topic or changed its configuration (not
     * for topics taken over by {@link #replaceAll} or loaded), on the thread that made the change, outside any lock
     * of this manager.
     */
    public void addConfigListener(Consumer<TopicConfig> listener) {
        configListeners.add(listener);
    }

    /** The topic's configuration, or {@code null} when this broker does not host it. */
    public TopicConfig get(String topic) {
        return topics.get(topic);
    }

    /** A copy of every topic, sorted by name. */
    public Map<String, TopicConfig> all() {
        return new TreeMap<>(topics);
    }

    public long dataVersion() {
        return dataVersion;
    }

    /**
     * Returns the topic, creating it with the default queue count when absent (auto-creation on first send).
     */
    public TopicConfig getOrCreate(String topic) {
        TopicConfig existing = topics.get(topic);
        if (existing != null) {
            return existing;
        }
        TopicConfig created;
        synchronized (this) {
            existing = topics.get(topic);
            if (existing != null) {
                return existing;
            }
            created = TopicConfig.of(topic, defaultQueueNums);
            persistThenApply(created.topic(), created);
        }
        LOG.info("auto-created topic {} with {} queues", topic, defaultQueueNums);
        fireConfigured(created);
        fireChanged();
        return created;
    }

    /**
     * Creates a topic. Creating it again with the same configuration is a no-op, so retried admin calls are
     * safe; with a different one it fails.
     *
     * @return whether the topic was created by this call
     * @throws TopicAlreadyExistsException when it exists with another configuration
     */
    public boolean create(TopicConfig config) {
        NameValidator.checkTopic(config.topic());
        synchronized (this) {
            TopicConfig existing = topics.get(config.topic());
            if (existing != null) {
                if (existing.equals(config)) {
                    return false;
                }
                throw new TopicAlreadyExistsException(config.topic());
            }
            persistThenApply(config.topic(), config);
        }
        LOG.info("created topic {}", config);
        fireConfigured(config);
        fireChanged();
        return true;
    }

    /**
     * Creates several topics as one change: one write of the file, one {@link #dataVersion()} step and one call of
     * the change listeners (one registration round, one copy to the slaves) however many topics, where creating them
     * one by one would write the whole, growing file and register the whole topic table once per topic. Topics that
     * exist with the same configuration are left as they are (a retried call is safe); nothing changes when any
     * topic is invalid, given twice with different configurations, or exists with another configuration.
     *
     * @return the topics this call created, in the order given
     * @throws TopicAlreadyExistsException when a topic exists with another configuration
     */
    public List<TopicConfig> createAll(List<TopicConfig> configs) {
        Map<String, TopicConfig> wanted = new LinkedHashMap<>();
        for (TopicConfig config : configs) {
            NameValidator.checkTopic(config.topic());
            TopicConfig before = wanted.putIfAbsent(config.topic(), config);
            if (before != null && !before.equals(config)) {
                throw new IllegalArgumentException("topic '" + config.topic() + "' is given twice with different"
                        + " configurations");
            }
        }
        List<TopicConfig> created = new ArrayList<>();
        synchronized (this) {
            for (TopicConfig config : wanted.values()) {
                TopicConfig existing = topics.get(config.topic());
                if (existing == null) {
                    created.add(config);
                } else if (!existing.equals(config)) {
                    throw new TopicAlreadyExistsException(config.topic());
                }
            }
            if (created.isEmpty()) {
                return List.of();
            }
            Map<String, TopicConfig> next = new TreeMap<>(topics);
            for (TopicConfig config : created) {
                next.put(config.topic(), config);
            }
            file.write(new TopicsFile(dataVersion + 1, next));
            for (TopicConfig config : created) {
                topics.put(config.topic(), config);
            }
            dataVersion++;
        }
        LOG.info("created {} topics in one change ({} ...)", created.size(), created.get(0));
        for (TopicConfig config : created) {
            fireConfigured(config);
        }
        fireChanged();
        return created;
    }

    /** Creates the topic or replaces its configuration. */
    public void createOrUpdate(TopicConfig config) {
        NameValidator.checkTopic(config.topic());
        synchronized (this) {
            if (config.equals(topics.get(config.topic()))) {
                return;
            }
            persistThenApply(config.topic(), config);
        }
        LOG.info("updated topic {}", config);
        fireConfigured(config);
        fireChanged();
    }

    /** @return whether the topic existed */
    public boolean delete(String topic) {
        Objects.requireNonNull(topic, "topic");
        synchronized (this) {
            if (!topics.containsKey(topic)) {
                return false;
            }
            persistThenApply(topic, null);
        }
        LOG.info("deleted topic {}", topic);
        fireChanged();
        return true;
    }

    /**
     * Replaces every topic with {@code next} (a slave taking its master's topics); nothing happens when they are
     * the same.
     *
     * @return whether anything changed
     */
    public boolean replaceAll(Map<String, TopicConfig> next) {
        Map<String, TopicConfig> sorted = new TreeMap<>(next);
        synchronized (this) {
            if (sorted.equals(new TreeMap<>(topics))) {
                return false;
            }
            file.write(new TopicsFile(dataVersion + 1, sorted));
            topics.keySet().retainAll(sorted.keySet());
            topics.putAll(sorted);
            dataVersion++;
        }
        LOG.info("replaced the topics with the master's: {}", sorted.keySet());
        fireChanged();
        return true;
    }

    /**
     * Writes the file with the change first and only then changes memory, so a failed write (disk full)
     * leaves the broker serving exactly what is on disk. Must hold {@code this}.
     *
     * @param config the new configuration, or {@code null} to delete the topic
     */
    private void persistThenApply(String topic, TopicConfig config) {
        Map<String, TopicConfig> next = new TreeMap<>(topics);
        if (config == null) {
            next.remove(topic);
        } else {
            next.put(topic, config);
        }
        file.write(new TopicsFile(dataVersion + 1, next));
        if (config == null) {
            topics.remove(topic);
        } else {
            topics.put(topic, config);
        }
        dataVersion++;
    }

    private void fireConfigured(TopicConfig config) {
        for (Consumer<TopicConfig> l : configListeners) {
            try {
                l.accept(config);
            } catch (RuntimeException e) {
                LOG.error("topic configuration listener failed for {}", config.topic(), e);
            }
        }
    }

    private void fireChanged() {
        for (Runnable l : changeListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.error("topic change listener failed", e);
            }
        }
    }
}
