package io.tidemq.common.protocol;

/**
 * The outcome of a request: the {@code code} field of a response frame's header (see docs/protocol.md).
 * The response's {@code remark} carries a human-readable explanation for every code but {@link #SUCCESS}.
 *
 * <p>Numbers are stable and grouped in ranges:
 * <ul>
 *   <li>0–9: generic outcomes any server may answer</li>
 *   <li>10–19: sending (topics, messages, flush and replication)</li>
 *   <li>20–29: pulling and offsets</li>
 *   <li>30–39: subscriptions and groups</li>
 *   <li>40–49: queries</li>
 *   <li>50–59: transactions</li>
 * </ul>
 * To add a code: pick the next free number in its range, add the constant with a one-line javadoc, add it
 * to {@code ResponseCodeTest}'s pinned table and to the table in docs/protocol.md (a test checks both).
 * Never reuse or renumber a released code.
 */
public enum ResponseCode {

    // ---- generic

    /** The request was served. */
    SUCCESS(0),
    /** The server failed while serving the request; the remark holds the error. Retrying may help. */
    SYSTEM_ERROR(1),
    /** The server is overloaded (its queue for this request code is full); retry later or elsewhere. */
    SYSTEM_BUSY(2),
    /** The server has no processor for the request code; the remark names the code. */
    REQUEST_CODE_NOT_SUPPORTED(3),
    /** A header field or the body is missing or malformed; the remark names it. Do not retry unchanged. */
    INVALID_PARAMETER(4),
    /** The caller may not do this here (e.g. write to a read-only topic or a slave broker). */
    NO_PERMISSION(5),
    /** The server is starting, shutting down or otherwise not serving this kind of request right now. */
    SERVICE_NOT_AVAILABLE(6),

    // ---- sending

    /** The topic does not exist on this broker (and auto-creation is off). */
    TOPIC_NOT_EXIST(10),
    /** The message breaks a rule (bad topic name, empty body, reserved property, …); the remark says which. */
    MESSAGE_ILLEGAL(11),
    /** The message body or properties exceed the broker's limit; the remark holds the limit. */
    MESSAGE_TOO_LARGE(12),
    /** SYNC flush: the message was stored but not fsynced within the flush timeout. */
    FLUSH_DISK_TIMEOUT(13),
    /** SYNC replication: the message was stored but not enough slaves were connected to replicate it. */
    SLAVE_NOT_AVAILABLE(14),
    /** SYNC replication: the message was stored but the slaves did not confirm it in time. */
    FLUSH_SLAVE_TIMEOUT(15),
    /**
     * The broker's disk is full (free space below its {@code diskReserveBytes}); nothing was stored. Send to
     * another broker; the broker accepts writes again by itself once space is freed.
     */
    DISK_FULL(16),

    // ---- pulling and offsets

    /** No message at the requested offset yet (after the long-polling wait, if any). */
    PULL_NOT_FOUND(20),
    /** The requested offset is invalid for the queue; the response's next offset says where to go. */
    PULL_OFFSET_MOVED(21),
    /** Nothing available right now, but the consumer should retry at once (e.g. a lock was just freed). */
    PULL_RETRY_IMMEDIATELY(22),
    /** The requested offset is below the queue's minimum: those messages were deleted by retention. */
    OFFSET_TOO_SMALL(23),
    /** The requested offset is beyond the queue's maximum. */
    OFFSET_OUT_OF_RANGE(24),
    /** The consumer group has no committed offset for the queue. */
    OFFSET_NOT_FOUND(25),
    /** An ordered consumer pulled or committed a queue whose lock it does not hold (another member owns it now). */
    QUEUE_NOT_LOCKED(26),

    // ---- subscriptions and groups

    /** The subscription expression cannot be parsed. */
    SUBSCRIPTION_INVALID(30),
    /** The consumer pulled a topic its group has not subscribed to (send a heartbeat first). */
    SUBSCRIPTION_NOT_EXIST(31),
    /** The consumer group is unknown to the broker (and auto-creation is off). */
    SUBSCRIPTION_GROUP_NOT_EXIST(32),
    /** The consumer group has no live member connected to this broker. */
    CONSUMER_NOT_ONLINE(33),

    // ---- queries

    /** No message matches the query. */
    QUERY_NOT_FOUND(40),

    // ---- transactions

    /** Check-back answer: the local transaction committed; deliver the half message. */
    TRANSACTION_SHOULD_COMMIT(50),
    /** Check-back answer: the local transaction rolled back; discard the half message. */
    TRANSACTION_SHOULD_ROLLBACK(51),
    /** Check-back answer: the outcome is not known yet; ask again later. */
    TRANSACTION_STATE_UNKNOWN(52),

    // ---- replication

    /**
     * SYNC replication: fewer replicas (the master included) are in sync than the broker's
     * {@code minInSyncReplicas}; nothing was stored. Retry later or send to another broker group.
     */
    IN_SYNC_REPLICAS_NOT_ENOUGH(60),
    /** HA port: the master's epoch changed since the handshake (or the request names another); handshake again. */
    HA_EPOCH_CHANGED(61),
    /** HA port: the fetch offset is not a position of the master's log the slave may read; handshake again. */
    HA_OFFSET_MISMATCH(62),
    /**
     * The broker is not its group's master (the controller made another replica master, or none yet); nothing
     * was stored. The response's {@code masterAddress} field names the current master when it is known: refresh
     * the topic's route and send there.
     */
    NOT_MASTER(63),

    // ---- NameServer replication

    /** This NameServer is a replication backup and could not reach its primary to forward a registration; the `primaryAddr` field names the primary it knows. Register there, or retry after the primary is back or another is promoted. */
    NOT_PRIMARY(64),
    /** NameServer replication: the sender's epoch is older than the receiver's (a newer primary was promoted); the `epoch` field holds the receiver's. The sender must stop acting as primary. */
    NAMESRV_FENCED(65),
    /** NameServer replication: the operations do not follow the receiver's last applied sequence (`lastSeq` field); open replication again with NS_REPL_HELLO. */
    NAMESRV_REPLICATION_GAP(66),
    /** The primary NameServer applied the registration but not enough backups acknowledged it within `namesrvBackupLagMaxMs` (SEMI_SYNC, CHAIN, or SYNC without its sync set); the change is not confirmed as replicated. The broker registers again at its next interval. */
    NAMESRV_ACK_TIMEOUT(67);

    private static final ResponseCode[] BY_CODE = CodeTable.index(values(), ResponseCode::code, ResponseCode[]::new);

    private final int code;

    ResponseCode(int code) {
        this.code = code;
    }

    /** The number sent on the wire. */
    public int code() {
        return code;
    }

    /** The constant for a wire number, or {@code null} when this build does not know the number. */
    public static ResponseCode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** A readable name for logs and error messages: {@code SYSTEM_BUSY(2)}, or {@code UNKNOWN(77)}. */
    public static String describe(int code) {
        ResponseCode c = fromCode(code);
        return (c == null ? "UNKNOWN" : c.name()) + "(" + code + ")";
    }
}
