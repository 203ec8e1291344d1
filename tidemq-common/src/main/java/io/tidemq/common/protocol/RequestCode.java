package io.tidemq.common.protocol;

/**
 * What a request asks for: the {@code code} field of a request frame's header (see docs/protocol.md).
 *
 * <p>Each constant carries a stable wire number that never changes once released; numbers are grouped in
 * ranges so a number tells which role serves it:
 * <ul>
 *   <li>10–19: the message path (producers and consumers ↔ broker)</li>
 *   <li>20–29: offsets</li>
 *   <li>30–49: clients, consumer groups and queue locks</li>
 *   <li>100–199: the NameServer</li>
 *   <li>200–299: administration</li>
 * </ul>
 * To add a request: pick the next free number in its range, add the constant with a one-line javadoc saying
 * who sends it to whom, add it to {@code RequestCodeTest}'s pinned table and to the table in
 * docs/protocol.md (a test checks both). Never reuse or renumber a released code.
 */
public enum RequestCode {

    // ---- message path

    /** Producer → broker: store one message. */
    SEND_MESSAGE(10),
    /** Producer → broker: store a batch of messages for one topic queue, atomically. */
    SEND_BATCH_MESSAGE(11),
    /** Consumer → broker: read messages of one queue from an offset (long polling when nothing is there). */
    PULL_MESSAGE(12),
    /** Consumer → broker: a message failed to be consumed; schedule it for retry (or dead-letter it). */
    CONSUMER_SEND_MSG_BACK(13),
    /** Producer → broker: commit or roll back a half (transactional) message. */
    END_TRANSACTION(14),
    /** Broker → producer: ask the producer group for the outcome of an undecided half message. */
    CHECK_TRANSACTION_STATE(15),

    // ---- offsets

    /** Consumer → broker: read a consumer group's committed offset of one queue. */
    QUERY_CONSUMER_OFFSET(20),
    /** Consumer → broker: commit a consumer group's offset of one queue. */
    UPDATE_CONSUMER_OFFSET(21),
    /** Client → broker: the offset after the last message of one queue. */
    GET_MAX_OFFSET(22),
    /** Client → broker: the offset of the oldest message still kept in one queue. */
    GET_MIN_OFFSET(23),
    /** Client → broker: the first queue offset whose message was stored at or after a timestamp. */
    SEARCH_OFFSET_BY_TIMESTAMP(24),

    // ---- clients, groups, locks

    /** Client → broker: periodic liveness plus the producer/consumer groups and subscriptions it runs. */
    HEART_BEAT(30),
    /** Client → broker: the client is shutting down; drop it from its groups now. */
    UNREGISTER_CLIENT(31),
    /** Consumer → broker: the ids of the live members of a consumer group (input to rebalancing). */
    GET_CONSUMER_LIST_BY_GROUP(32),
    /** Broker → consumer (one-way): the group's membership changed; rebalance now. */
    NOTIFY_CONSUMER_IDS_CHANGED(33),
    /** Ordered consumer → broker: lock a set of queues for this client. */
    LOCK_BATCH_MQ(34),
    /** Ordered consumer → broker: release queue locks held by this client. */
    UNLOCK_BATCH_MQ(35),

    // ---- NameServer

    /** Broker → NameServer: register (or refresh) the broker and its topics. */
    REGISTER_BROKER(100),
    /** Broker → NameServer: the broker is leaving the cluster. */
    UNREGISTER_BROKER(101),
    /** Broker → NameServer: a light liveness ping between full registrations. */
    BROKER_HEARTBEAT(102),
    /** Client → NameServer: the brokers and queues serving a topic. */
    GET_ROUTEINFO_BY_TOPIC(103),
    /** Client → NameServer: every cluster, broker name and broker address known. */
    GET_BROKER_CLUSTER_INFO(104),
    /** Admin → NameServer: every live broker with the runtime figures it reported at its last registration. */
    GET_CLUSTER_STATS(105),
    /** Admin → NameServer: every configuration key with its value, and whether it can change without a restart. */
    GET_NAMESRV_CONFIG(106),
    /** Admin → NameServer: change configuration keys (refused for a key that takes effect only at a restart). */
    UPDATE_NAMESRV_CONFIG(107),

    // ---- NameServer replication (NameServer ↔ NameServer, and admin)

    /** NameServer → NameServer: the primary (or a chain predecessor) opens replication with its epoch and topology; answered with the receiver's last applied sequence and its epoch. */
    NS_REPL_HELLO(110),
    /** NameServer → NameServer: registry operations in sequence order; answered (the acknowledgement) with the last sequence applied, in CHAIN mode once the rest of the chain applied it too. */
    NS_REPL_APPEND(111),
    /** NameServer → NameServer: the whole registry at a sequence, for a backup too far behind the operation ring (or diverged). */
    NS_REPL_SNAPSHOT(112),
    /** Admin → NameServer: replication role, mode, epoch, last applied sequence and, on a primary, each backup's acknowledged sequence and lag. */
    NS_REPL_STATUS(113),
    /** Admin → NameServer: a new primary, chain order and epoch (promotion and chain repair); refused for an epoch not above the NameServer's. */
    NS_REPL_TOPOLOGY(114),
    /** NameServer → NameServer: a primary-to-be pulls the operations after its position (or a snapshot) from a more advanced backup before it acknowledges anything. */
    NS_REPL_FETCH(115),

    // ---- administration

    /** Admin → broker: create a topic. */
    CREATE_TOPIC(200),
    /** Admin → broker: change a topic's queue counts or permissions. */
    UPDATE_TOPIC(201),
    /** Admin → broker/NameServer: delete a topic. */
    DELETE_TOPIC(202),
    /** Admin → NameServer/broker: the names of all topics. */
    GET_ALL_TOPIC_LIST(203),
    /** Admin → broker: per-queue min/max offsets and last update time of a topic. */
    GET_TOPIC_STATS(204),
    /** Admin → broker: the names of all consumer groups. */
    GET_CONSUMER_GROUP_LIST(205),
    /** Admin → broker: a consumer group's members, subscriptions and lag per queue. */
    DESCRIBE_CONSUMER_GROUP(206),
    /** Admin → broker: look up one message by its message id. */
    QUERY_MESSAGE_BY_ID(207),
    /** Admin → broker: look up messages by business key in a time range. */
    QUERY_MESSAGE_BY_KEY(208),
    /** Admin → broker: runtime figures (TPS in/out, disk use, versions) as a key/value table. */
    GET_BROKER_RUNTIME_INFO(209),
    /** Admin → broker: read the messages of a consumer group's dead-letter queue. */
    GET_DLQ_MESSAGES(210),
    /** Admin → broker: re-deliver dead-lettered messages of a consumer group through its retry topic. */
    RESEND_DLQ_MESSAGES(211),
    /** Admin → broker: drain the broker (its topics are routed read-only) or undrain it. */
    SET_BROKER_DRAINED(212),
    /** Admin → broker: read the messages of one queue from an offset, bounded, without delivering them. */
    QUERY_QUEUE_MESSAGES(213),
    /** Admin → broker: forget a consumer group's committed offsets and configuration (refused while it has members online). */
    DELETE_CONSUMER_GROUP(214),
    /** Admin → broker: every configuration key with its value, and whether it can change without a restart. */
    GET_BROKER_CONFIG(215),
    /** Admin → broker: change configuration keys (refused for a key that takes effect only at a restart). */
    UPDATE_BROKER_CONFIG(216),
    /** Admin → broker: create or update a consumer group's configuration (consumeEnable, retries, start position). */
    UPDATE_SUBSCRIPTION_GROUP(217),
    /** Admin → broker: the consumer group configurations the broker holds. */
    GET_SUBSCRIPTION_GROUPS(218),
    /** Admin → broker: delayed messages waiting in the timer and half messages waiting for a decision (bounded scans). */
    GET_WAITING_MESSAGES(219),
    /** Admin → broker: each consumer group's delivery latency (store → delivery) p50/p99 over the last interval. */
    GET_DELIVERY_LATENCY(220),
    /** Admin → broker: one topic's messages in and out per second, per interval, over the last intervals. */
    GET_TOPIC_RATES(221),
    /** Admin → broker: create many topics as one change (one write of the topic table, one registration round). */
    CREATE_TOPICS(222),

    // ---- failover controller (only on a controller peer's controllerListenPort)

    /** Broker → controller: register a replica (group, id, addresses, store UUID, incarnation); answered with its group. */
    CONTROLLER_REGISTER(300),
    /** Broker → every controller peer: liveness and log position (last epoch, log end); answered with the group. */
    CONTROLLER_HEARTBEAT(301),
    /** Master → controller: change the in-sync set, for the master epoch and set epoch it expects. */
    CONTROLLER_ALTER_ISR(302),
    /** Broker or admin → controller: the quorum (peers, leader) and every group's state. */
    CONTROLLER_GET_STATE(303),
    /** Admin → controller: force an election in a group (a chosen or the best alive replica; unclean if asked). */
    CONTROLLER_ELECT(304),

    // ---- broker replication (only on the broker's HA port, haListenPort)

    /** Slave → master: handshake with the slave's identity, log end and epoch lineage; answered with the master's. */
    HA_HELLO(400),
    /** Slave → master: raw CommitLog bytes from an offset, which also acknowledges everything before it. */
    HA_FETCH(401),
    /** Slave → master: the master's topics and consumer offsets, when a fetch answer names a newer version. */
    HA_METADATA(402),
    /** Slave → master: consumer offsets committed on the slave while the master was away, merged by maximum. */
    HA_MERGE_OFFSETS(410);

    private static final RequestCode[] BY_CODE = CodeTable.index(values(), RequestCode::code, RequestCode[]::new);

    private final int code;

    RequestCode(int code) {
        this.code = code;
    }

    /** The number sent on the wire. */
    public int code() {
        return code;
    }

    /** The constant for a wire number, or {@code null} when this build does not know the number. */
    public static RequestCode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** A readable name for logs and error messages: {@code SEND_MESSAGE(10)}, or {@code UNKNOWN(77)}. */
    public static String describe(int code) {
        RequestCode c = fromCode(code);
        return (c == null ? "UNKNOWN" : c.name()) + "(" + code + ")";
    }
}
