package io.tidemq.namesrv.membership;

/** Why the NameServer removed a broker that did not unregister itself. */
public enum EvictionReason {

    /** No registration or heartbeat for longer than brokerExpireMs. */
    EXPIRED,
    /** The connection the broker registered over closed. */
    CHANNEL_CLOSED,
    /** The connection carried no traffic for the transport's idle time; the server closes it. */
    CHANNEL_IDLE,
    /** The connection failed (I/O error or malformed frame) and is being closed. */
    CHANNEL_ERROR
}
