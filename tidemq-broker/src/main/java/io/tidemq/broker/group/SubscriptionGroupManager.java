package io.tidemq.broker.group;

import io.tidemq.broker.support.AtomicJsonFile;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumer group configurations set with {@code tidemq admin group create|update}, persisted in
 * {@code config/subscriptionGroups.json} (replaced atomically, written before a change returns). A group with no
 * configuration behaves as before: consumption on, the consumer's maxReconsumeTimes, its own consumeFromWhere.
 * Not replicated: a slave holds only what was set on it.
 */
public final class SubscriptionGroupManager {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionGroupManager.class);

    /** Written by create/update holding {@code this}; read lock-free by pull, offset and send-back threads. */
    private final Map<String, SubscriptionGroupConfig> groups = new ConcurrentHashMap<>();
    private final AtomicJsonFile file;

    /** The file's layout, sorted by group name. */
    public record GroupsFile(Map<String, SubscriptionGroupConfig> groups) {
    }

    /** Thrown by {@link #write} when {@code create} meets an existing group or an update a missing one. */
    public static final class GroupConfigConflictException extends RuntimeException {
        private final boolean exists;

        GroupConfigConflictException(String message, boolean exists) {
            super(message);
            this.exists = exists;
        }

        /** Whether the group already had a configuration (a create) rather than none (an update). */
        public boolean exists() {
            return exists;
        }
    }

    public SubscriptionGroupManager(Path configFile) {
        this.file = new AtomicJsonFile(configFile);
    }

    /** Loads the persisted configurations; a missing file means none. */
    public synchronized void load() {
        GroupsFile loaded = file.read(GroupsFile.class);
        groups.clear();
        if (loaded != null && loaded.groups() != null) {
            groups.putAll(loaded.groups());
            LOG.info("loaded {} consumer group configuration(s) from {}", groups.size(), file.path());
        }
    }

    /** The group's configuration, or {@code null} when it has none. */
    public SubscriptionGroupConfig get(String group) {
        return group == null ? null : groups.get(group);
    }

    /** Every configuration, sorted by group name. */
    public List<SubscriptionGroupConfig> all() {
        return new ArrayList<>(new TreeMap<>(groups).values());
    }

    /** Forgets the group's configuration (persisted); returns whether it had one. */
    public synchronized boolean remove(String group) {
        SubscriptionGroupConfig old = groups.remove(group);
        if (old == null) {
            return false;
        }
        try {
            file.write(new GroupsFile(new TreeMap<>(groups)));
        } catch (RuntimeException e) {
            groups.put(group, old);
            throw e;
        }
        LOG.info("consumer group configuration removed: {}", old);
        return true;
    }

    /**
     * Stores {@code config} (already {@link SubscriptionGroupConfig#checked() checked}) and persists it.
     *
     * @param create true: refused when the group has a configuration; false: refused when it has none
     * @throws GroupConfigConflictException when refused; nothing changed
     */
    public synchronized SubscriptionGroupConfig write(SubscriptionGroupConfig config, boolean create) {
        SubscriptionGroupConfig old = groups.get(config.groupName());
        if (create && old != null) {
            throw new GroupConfigConflictException("consumer group '" + config.groupName() + "' already has a"
                    + " configuration; change it with 'admin group update'", true);
        }
        if (!create && old == null) {
            throw new GroupConfigConflictException("consumer group '" + config.groupName() + "' has no configuration;"
                    + " create it with 'admin group create'", false);
        }
        groups.put(config.groupName(), config);
        try {
            file.write(new GroupsFile(new TreeMap<>(groups)));
        } catch (RuntimeException e) {
            if (old == null) {
                groups.remove(config.groupName());
            } else {
                groups.put(config.groupName(), old);
            }
            throw e;
        }
        LOG.info("consumer group configuration {} {}", create ? "created:" : "updated:", config);
        return config;
    }
}
