package io.tidemq.remoting;

/**
 * Connection lifecycle callbacks, delivered one at a time and in order on a dedicated thread
 * ({@code tidemq-remoting-<role>-events}), never on a network I/O thread, so a listener may block briefly
 * (for example to update a registry). Events queue up to a fixed capacity; beyond it they are dropped with
 * a warning, so a listener must not block for long.
 */
public interface ChannelEventListener {

    /** A connection was established (accepted by a server, or opened by a client). */
    default void onConnect(String remoteAddress, RemotingChannel channel) {
    }

    /** A connection closed, by either side or after an error. */
    default void onClose(String remoteAddress, RemotingChannel channel) {
    }

    /**
     * Nothing was read or written for the configured idle time. A server closes the connection right
     * after this event; a client only reports it.
     */
    default void onIdle(String remoteAddress, RemotingChannel channel) {
    }

    /** An I/O error or a malformed frame; the connection is being closed. */
    default void onException(String remoteAddress, RemotingChannel channel, Throwable cause) {
    }
}
