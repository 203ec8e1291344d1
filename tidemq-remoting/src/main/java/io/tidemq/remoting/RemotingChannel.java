package io.tidemq.remoting;

/**
 * One live connection as the code above the transport sees it: the channel a request arrived on, and the
 * channel a server sends its own requests to (for example a broker asking a producer to check a
 * transaction). Instances are unique per connection, so they can key a map of connected clients.
 */
public interface RemotingChannel {

    /** The peer as {@code host:port}, fixed for the life of the connection. */
    String remoteAddress();

    /** Whether the connection is open. A closed channel never becomes active again. */
    boolean isActive();

    /**
     * Whether the connection's outbound buffer is below its high-water mark; a caller that produces faster
     * than the peer reads can pause while this is {@code false}.
     */
    boolean isWritable();

    /** Closes the connection; requests still waiting for its responses fail at once. */
    void close();
}
