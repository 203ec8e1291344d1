package io.tidemq.common.message;

/**
 * Names of the system properties a message carries. User properties must not start with these names;
 * {@link Message.Builder#property} rejects the reserved ones.
 */
public final class MessageConst {

    /** The message's tag: one word used for broker- and client-side filtering. */
    public static final String TAGS = "TAGS";
    /** Business keys, separated by a single space; indexed for lookup by key. */
    public static final String KEYS = "KEYS";
    /** The producer-generated unique id of the message (survives retries and DLQ). */
    public static final String UNIQ_KEY = "UNIQ_KEY";
    /** The topic the message was first sent to (set on retry and DLQ copies). */
    public static final String ORIGIN_TOPIC = "ORIGIN_TOPIC";
    /** The id the message had when first stored (set on retry and DLQ copies). */
    public static final String ORIGIN_MSG_ID = "ORIGIN_MSG_ID";
    /** The real topic of a scheduled, retried or half (transactional) message. */
    public static final String REAL_TOPIC = "REAL_TOPIC";
    /** The real queue id of a scheduled, retried or half message. */
    public static final String REAL_QUEUE_ID = "REAL_QID";
    /** Delivery time, epoch millis, of a delayed message. */
    public static final String DELIVER_AT_MS = "DELIVER_AT_MS";
    /** Delay in milliseconds of a delayed message (the broker turns it into {@link #DELIVER_AT_MS}). */
    public static final String DELAY_MS = "DELAY_MS";
    /** "true" on the half message of a transaction. */
    public static final String TRANSACTION_PREPARED = "TRAN_MSG";
    /** The producer group that sent the message (used for transaction check-back). */
    public static final String PRODUCER_GROUP = "PGROUP";
    /** How many times the message has been re-consumed (retry copies). */
    public static final String RECONSUME_TIMES = "RECONSUME_TIMES";
    /** Maximum reconsume times chosen by the consumer group. */
    public static final String MAX_RECONSUME_TIMES = "MAX_RECONSUME_TIMES";
    /** The swimlane the message belongs to; absent means the base lane. */
    public static final String LANE = "LANE";
    /** An IPv6 born host as {@code [address]:port} (the record's IPv4 field is then 0), see {@link SysFlag#BORN_HOST_V6}. */
    public static final String BORN_HOST = "BORN_HOST";
    /** An IPv6 store host as {@code [address]:port}, see {@link SysFlag#STORE_HOST_V6}. */
    public static final String STORE_HOST = "STORE_HOST";

    private static final java.util.Set<String> RESERVED = java.util.Set.of(
            TAGS, KEYS, UNIQ_KEY, ORIGIN_TOPIC, ORIGIN_MSG_ID, REAL_TOPIC, REAL_QUEUE_ID, DELIVER_AT_MS,
            DELAY_MS, TRANSACTION_PREPARED, PRODUCER_GROUP, RECONSUME_TIMES, MAX_RECONSUME_TIMES, LANE);

    /** Separates business keys inside {@link #KEYS}. */
    public static final String KEY_SEPARATOR = " ";

    private MessageConst() {
    }

    /** Whether {@code name} is a system property name that user code may not set directly. */
    public static boolean isReserved(String name) {
        return RESERVED.contains(name);
    }
}
