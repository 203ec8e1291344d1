package io.tidemq.remoting;

import io.tidemq.common.net.HostPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Future;

/**
 * One live connection as the code above the transport sees it: the channel a request arrived on, and the
 * channel a server sends its own requests to (for example a broker asking a producer to check a
 * transaction). Instances are unique per connection, so they can key a map of connected clients.
 */
public interface RemotingChannel {

    /** The peer as {@code ip:port} ({@code [v6]:port} for IPv6, see {@code HostPort}), fixed for the life of the connection. */
    String remoteAddress();

    /**
     * The peer's socket address, fixed for the life of the connection: what a broker stores as a message's born
     * host. Netty channels answer the address they hold; this default parses {@link #remoteAddress()} when it
     * holds an IP literal (never asking DNS) and answers the loopback address with port 0 otherwise.
     */
    default InetSocketAddress remoteSocketAddress() {
        try {
            HostPort peer = HostPort.parse(remoteAddress());
            if (peer.isIpLiteral()) {
                return new InetSocketAddress(InetAddress.getByName(peer.host()), peer.port());
            }
        } catch (IllegalArgumentException | UnknownHostException e) {
            // not an address: the peer is unknown
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Whether the connection is open. A closed channel never becomes active again. */
    boolean isActive();

    /**
     * Whether the connection's outbound buffer is below its high-water mark; a caller that produces faster
     * than the peer reads can pause while this is {@code false}.
     */
    boolean isWritable();

    /** Closes the connection; requests still waiting for its responses fail at once. */
    void close();

    /**
     * Runs {@code task} on the thread that does this connection's I/O, after the work queued there: a response
     * completed by the task is written without another thread hand-off, and a caller on another thread wakes that
     * thread once instead of twice (its own hand-off, then the write's). This default, for channels without an I/O
     * thread, runs it at once on the calling thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the I/O thread is shut down
     */
    default void executeOnIoThread(Runnable task) {
        task.run();
    }

    /**
     * Runs {@code task} on this connection's I/O thread once {@code delayNanos} passed, as a timer of that thread:
     * scheduled from the I/O thread itself it wakes no other thread. Returns the handle to cancel it, or {@code null}
     * when the channel has no I/O thread or it is shut down (this default): the caller then needs a timer of its own.
     */
    default Future<?> scheduleOnIoThread(Runnable task, long delayNanos) {
        return null;
    }
}
