package io.tidemq.remoting;

/**
 * A {@link RemotingChannel} without a socket, for unit tests of whatever keys state by connection (the broker's
 * client managers, the NameServer's route registry). Shared through the tidemq-remoting test-jar; its
 * {@link #remoteSocketAddress()} is the interface's default, parsed from the address text.
 */
public final class FakeChannel implements RemotingChannel {

    private final String remoteAddress;
    /** Written by {@link #close()} on any thread. */
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

    @Override
    public String toString() {
        return "FakeChannel[" + remoteAddress + "]";
    }
}
