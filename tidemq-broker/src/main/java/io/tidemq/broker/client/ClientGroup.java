package io.tidemq.broker.client;

import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.remoting.RemotingChannel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live members of one producer or consumer group on this broker, one entry per connection.
 * Every method synchronizes on the group: membership changes are rare (heartbeats every few seconds) and a
 * change must be observed exactly once so each one triggers exactly one notification.
 */
public final class ClientGroup {

    private final String name;
    /** Guarded by {@code this}. */
    private final Map<RemotingChannel, ClientInfo> members = new LinkedHashMap<>();
    /** The subscriptions of the latest heartbeat of any member (consumer groups only); guarded by {@code this}. */
    private ConsumerData consumerData;
    /** Set once the group is empty and leaves the manager's map; guarded by {@code this}. */
    private boolean retired;

    ClientGroup(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Adds or refreshes a member.
     *
     * @return whether it is a new member, or {@code null} when the group was retired and the caller must
     *         look it up again
     */
    synchronized Boolean upsert(RemotingChannel channel, String clientId, ConsumerData data, long nowMs) {
        if (retired) {
            return null;
        }
        if (data != null) {
            consumerData = data;
        }
        ClientInfo existing = members.get(channel);
        if (existing != null && existing.clientId().equals(clientId)) {
            existing.touch(nowMs);
            return Boolean.FALSE;
        }
        // a client that reconnected before its old connection's close was handled: the new connection replaces
        // the old one, so each client id is one member (the rebalance input must list it once)
        members.values().removeIf(c -> c.clientId().equals(clientId) && c.channel() != channel);
        members.put(channel, new ClientInfo(clientId, channel, nowMs));
        return Boolean.TRUE;
    }

    /** @return whether the channel was a member */
    synchronized boolean remove(RemotingChannel channel) {
        return members.remove(channel) != null;
    }

    /**
     * Removes members silent since before {@code deadlineMs}, and members whose connection is gone (a close
     * event can be dropped when the transport's event queue is full), returning them.
     */
    synchronized List<ClientInfo> removeSilentSince(long deadlineMs) {
        List<ClientInfo> expired = new ArrayList<>();
        members.values().removeIf(c -> {
            if (c.lastHeartbeatMs() < deadlineMs || !c.channel().isActive()) {
                expired.add(c);
                return true;
            }
            return false;
        });
        return expired;
    }

    synchronized boolean contains(RemotingChannel channel) {
        return members.containsKey(channel);
    }

    /** Marks an empty group retired so no member is ever added to an instance the manager dropped. */
    synchronized boolean retireIfEmpty() {
        if (members.isEmpty()) {
            retired = true;
        }
        return retired;
    }

    public synchronized List<ClientInfo> members() {
        return new ArrayList<>(members.values());
    }

    public synchronized List<RemotingChannel> channels() {
        return new ArrayList<>(members.keySet());
    }

    /** The member client ids, sorted (the input of every consumer's rebalance, so the order must agree). */
    public synchronized List<String> clientIds() {
        List<String> ids = new ArrayList<>(members.size());
        for (ClientInfo c : members.values()) {
            ids.add(c.clientId());
        }
        ids.sort(null);
        return ids;
    }

    /** The latest subscriptions reported for the group, or {@code null} for a producer group. */
    public synchronized ConsumerData consumerData() {
        return consumerData;
    }

    static List<String> ids(Collection<ClientInfo> infos) {
        List<String> ids = new ArrayList<>(infos.size());
        infos.forEach(i -> ids.add(i.clientId()));
        return ids;
    }
}
