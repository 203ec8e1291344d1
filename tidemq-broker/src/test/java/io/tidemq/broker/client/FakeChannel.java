package io.tidemq.broker.client;

import io.tidemq.remoting.RemotingChannel;

/** A RemotingChannel without a socket, for tests of the managers. */
final class FakeChannel implements RemotingChannel {

    private final String address;
    private volatile boolean active = true;

    FakeChannel(String address) {
        this.address = address;
    }

    @Override
    public String remoteAddress() {
        return address;
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

    @Override
    public String toString() {
        return "FakeChannel[" + address + "]";
    }
}
