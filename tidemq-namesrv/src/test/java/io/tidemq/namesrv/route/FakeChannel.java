package io.tidemq.namesrv.route;

import io.tidemq.remoting.RemotingChannel;

/** A connection stand-in for unit tests; identity is all the registry uses. */
public final class FakeChannel implements RemotingChannel {

    private final String remoteAddress;
    private volatile boolean active = true;

    public FakeChannel(String remoteAddress) {
        this.remoteAddress = remoteAddress;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public boolean isWritable() {
        return active;
    }

    @Override
    public void close() {
        active = false;
    }
}
