package io.tidemq.broker.client;

import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.remoting.RemotingChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The producer and consumer groups connected to this broker, learned from HEART_BEAT. A member leaves when
 * it unregisters, when its connection closes, or after {@code clientExpireMs} without a heartbeat. Whenever
 * a consumer group gains or loses a member, the {@link ConsumerIdsChangeListener} is told (outside any
 * lock), which notifies the remaining members so they rebalance at once.
 */
public final class ClientManager {

    private static final Logger LOG = LoggerFactory.getLogger(ClientManager.class);

    /** Group name → members. Concurrent maps; each group guards its own members. */
    private final ConcurrentHashMap<String, ClientGroup> producerGroups = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ClientGroup> consumerGroups = new ConcurrentHashMap<>();
    private final ConsumerIdsChangeListener changeListener;
    private final long clientExpireMs;

    public ClientManager(ConsumerIdsChangeListener changeListener, long clientExpireMs) {
        this.changeListener = changeListener;
        this.clientExpireMs = clientExpireMs;
    }

    /** Registers or refreshes the client's groups; groups it no longer reports are left. */
    public void heartbeat(RemotingChannel channel, HeartbeatData data, long nowMs) {
        String clientId = data.clientId();
        Set<String> producers = data.producerGroups() == null ? Set.of() : data.producerGroups();
        Set<String> consumerNames = new HashSet<>();
        for (String group : producers) {
            join(producerGroups, group, channel, clientId, null, nowMs);
        }
        if (data.consumers() != null) {
            for (ConsumerData c : data.consumers()) {
                consumerNames.add(c.group());
                if (join(consumerGroups, c.group(), channel, clientId, c, nowMs)) {
                    LOG.info("consumer {} joined group {}", clientId, c.group());
                    notifyChanged(consumerGroups.get(c.group()));
                }
            }
        }
        for (ClientGroup g : producerGroups.values()) {
            if (!producers.contains(g.name())) {
                leave(producerGroups, g, channel);
            }
        }
        for (ClientGroup g : consumerGroups.values()) {
            if (!consumerNames.contains(g.name()) && leave(consumerGroups, g, channel)) {
                LOG.info("consumer {} left group {}", clientId, g.name());
                notifyChanged(g);
            }
        }
    }

    /** UNREGISTER_CLIENT: the client leaves the named groups ({@code null} names are skipped). */
    public void unregister(RemotingChannel channel, String producerGroup, String consumerGroup) {
        if (producerGroup != null) {
            ClientGroup g = producerGroups.get(producerGroup);
            if (g != null) {
                leave(producerGroups, g, channel);
            }
        }
        if (consumerGroup != null) {
            ClientGroup g = consumerGroups.get(consumerGroup);
            if (g != null && leave(consumerGroups, g, channel)) {
                LOG.info("client {} unregistered from consumer group {}", channel.remoteAddress(), consumerGroup);
                notifyChanged(g);
            }
        }
    }

    /** The connection closed: the client leaves every group. */
    public void channelClosed(RemotingChannel channel) {
        producerGroups.values().forEach(g -> leave(producerGroups, g, channel));
        for (ClientGroup g : consumerGroups.values()) {
            if (leave(consumerGroups, g, channel)) {
                LOG.info("consumer at {} left group {}: connection closed", channel.remoteAddress(), g.name());
                notifyChanged(g);
            }
        }
    }

    /**
     * Removes members silent for longer than {@code clientExpireMs} (closing their connections) and members
     * whose connection is already closed.
     *
     * @return how many memberships expired
     */
    public int scanExpired(long nowMs) {
        long deadline = nowMs - clientExpireMs;
        int expired = 0;
        for (ClientGroup g : producerGroups.values()) {
            List<ClientInfo> gone = g.removeSilentSince(deadline);
            expired += gone.size();
            closeAll(gone, g);
            retireIfEmpty(producerGroups, g);
        }
        for (ClientGroup g : consumerGroups.values()) {
            List<ClientInfo> gone = g.removeSilentSince(deadline);
            if (!gone.isEmpty()) {
                expired += gone.size();
                closeAll(gone, g);
                retireIfEmpty(consumerGroups, g);
                notifyChanged(g);
            }
        }
        return expired;
    }

    /** The sorted client ids of a consumer group's live members; empty when none. */
    public List<String> consumerIds(String group) {
        ClientGroup g = consumerGroups.get(group);
        return g == null ? List.of() : g.clientIds();
    }

    /** A consumer group's members and subscriptions, or {@code null} when no member is connected. */
    public ClientGroup consumerGroup(String group) {
        return consumerGroups.get(group);
    }

    /** The connections of a producer group's live members (transaction check-backs); empty when none. */
    public List<RemotingChannel> producerChannels(String group) {
        ClientGroup g = producerGroups.get(group);
        return g == null ? List.of() : g.channels();
    }

    public Set<String> consumerGroupNames() {
        return new TreeSet<>(consumerGroups.keySet());
    }

    public Set<String> producerGroupNames() {
        return new TreeSet<>(producerGroups.keySet());
    }

    /** @return whether the channel is a new member of the group */
    private static boolean join(ConcurrentHashMap<String, ClientGroup> groups, String name, RemotingChannel channel,
                                String clientId, ConsumerData data, long nowMs) {
        while (true) {
            ClientGroup g = groups.computeIfAbsent(name, ClientGroup::new);
            Boolean added = g.upsert(channel, clientId, data, nowMs);
            if (added != null) {
                return added;
            }
            // The group emptied and was dropped between our lookup and our upsert; the next lookup creates a
            // fresh one.
            groups.remove(name, g);
        }
    }

    /** @return whether the channel was a member */
    private static boolean leave(ConcurrentHashMap<String, ClientGroup> groups, ClientGroup g, RemotingChannel channel) {
        boolean removed = g.remove(channel);
        if (removed) {
            retireIfEmpty(groups, g);
        }
        return removed;
    }

    private static void retireIfEmpty(ConcurrentHashMap<String, ClientGroup> groups, ClientGroup g) {
        if (g.retireIfEmpty()) {
            groups.remove(g.name(), g);
        }
    }

    private static void closeAll(List<ClientInfo> gone, ClientGroup g) {
        for (ClientInfo c : gone) {
            LOG.warn("client {} removed from group {}: no heartbeat within clientExpireMs or connection lost",
                    c, g.name());
            c.channel().close();
        }
    }

    private void notifyChanged(ClientGroup g) {
        if (g == null) {
            return;
        }
        try {
            changeListener.onConsumerIdsChanged(g.name(), g.channels());
        } catch (RuntimeException e) {
            LOG.error("consumer ids change listener failed for group {}", g.name(), e);
        }
    }
}
