package io.tidemq.broker.client;

import io.tidemq.remoting.RemotingChannel;

/** One client connection as a group member: its id, its channel and when it last sent a heartbeat. */
public final class ClientInfo {

    private final String clientId;
    private final RemotingChannel channel;
    /** Written by the heartbeat thread, read by the expiry scan. */
    private volatile long lastHeartbeatMs;

    public ClientInfo(String clientId, RemotingChannel channel, long lastHeartbeatMs) {
        this.clientId = clientId;
        this.channel = channel;
        this.lastHeartbeatMs = lastHeartbeatMs;
    }

    public String clientId() {
        return clientId;
    }

    public RemotingChannel channel() {
        return channel;
    }

    public long lastHeartbeatMs() {
        return lastHeartbeatMs;
    }

    void touch(long nowMs) {
        lastHeartbeatMs = nowMs;
    }

    @Override
    public String toString() {
        return clientId + "(" + channel.remoteAddress() + ")";
    }
}
