package io.tidemq.broker.transaction;

import io.tidemq.broker.wire.DeliveredEncoder;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.SysFlag;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts between a transactional message as the producer sent it, its half message in
 * {@link TransactionTopics#HALF_TOPIC}, and the real message a commit puts into the real topic. Stateless.
 *
 * <p>A half keeps every property of the original plus {@code REAL_TOPIC}, {@code REAL_QID} and
 * {@code PGROUP}; its sysFlag says PREPARED. The committed message gets the original properties back
 * (TRANSACTION_PREPARED, REAL_TOPIC and REAL_QID removed; UNIQ_KEY, keys, tag, delay kept), sysFlag COMMIT
 * and the half's CommitLog offset in the record's preparedTransactionOffset field.
 */
public final class HalfMessages {

    private HalfMessages() {
    }

    /** Whether a message sent with these properties is the half of a transaction. */
    public static boolean isPrepared(Map<String, String> properties) {
        return "true".equalsIgnoreCase(properties.get(MessageConst.TRANSACTION_PREPARED));
    }

    /**
     * The half message to store for {@code original}.
     *
     * @param producerGroup the sender's group from the request header, used when the message has no PGROUP
     * @throws IllegalArgumentException when neither names a producer group (the broker could not check back)
     */
    public static MessageRecord toHalf(MessageRecord original, String producerGroup) {
        String group = original.properties().get(MessageConst.PRODUCER_GROUP);
        if (group == null || group.isEmpty()) {
            group = producerGroup;
        }
        if (group == null || group.isEmpty()) {
            throw new IllegalArgumentException("a transactional message to topic '" + original.topic()
                    + "' names no producer group; set producerGroup in the header (the broker checks back with it)");
        }
        MessageRecord.Builder b = MessageRecord.builder(TransactionTopics.HALF_TOPIC, TransactionTopics.QUEUE_ID)
                .flag(original.flag())
                .sysFlag((original.sysFlag() & ~SysFlag.TRANSACTION_MASK) | SysFlag.TRANSACTION_PREPARED)
                .properties(withoutHostProperties(original.properties()))
                .property(MessageConst.REAL_TOPIC, original.topic())
                .property(MessageConst.REAL_QUEUE_ID, Integer.toString(original.queueId()))
                .property(MessageConst.PRODUCER_GROUP, group)
                .body(original.body())
                .bornTimestampMs(original.bornTimestampMs())
                .bornHost(original.bornHost())
                .storeHost(original.storeHost())
                .reconsumeTimes(original.reconsumeTimes());
        return b.build();
    }

    /** The message a COMMIT puts into the real topic. */
    public static MessageRecord toRealMessage(StoredMessage half, InetSocketAddress storeHost) {
        Map<String, String> props = realProperties(half.properties());
        props.remove(MessageConst.TRANSACTION_PREPARED);
        return MessageRecord.builder(realTopic(half), realQueueId(half))
                .flag(half.flag())
                .sysFlag((half.sysFlag() & ~SysFlag.TRANSACTION_MASK) | SysFlag.TRANSACTION_COMMIT)
                .properties(props)
                .body(half.body())
                .bornTimestampMs(half.bornTimestampMs())
                .bornHost(half.bornHost())
                .storeHost(storeHost)
                .reconsumeTimes(half.reconsumeTimes())
                .preparedTransactionOffset(half.physicalOffset())
                .build();
    }

    /**
     * The half as a CHECK_TRANSACTION_STATE body shows it to the producer: its real topic and queue, the
     * properties the producer sent; msgId and commitLogOffset stay the half's.
     */
    public static MessageExt toCheckMessage(StoredMessage half, DeliveredEncoder encoder) {
        MessageExt m = encoder.toMessageExt(half);
        return new MessageExt(m.msgId(), realTopic(half), realQueueId(half), m.queueOffset(), m.commitLogOffset(),
                m.bornTimestampMs(), m.storeTimestampMs(), m.bornHost(), m.storeHost(), m.reconsumeTimes(),
                m.flag(), m.sysFlag(), Map.copyOf(realProperties(half.properties())), m.body());
    }

    public static String producerGroup(StoredMessage half) {
        return half.property(MessageConst.PRODUCER_GROUP);
    }

    /** The producer's UNIQ_KEY, which is the transaction id; the half's msgId when it has none. */
    public static String transactionId(StoredMessage half) {
        String id = half.uniqueKey();
        return id != null ? id : half.msgId();
    }

    public static boolean isHalf(StoredMessage message) {
        return TransactionTopics.HALF_TOPIC.equals(message.topic())
                && message.property(MessageConst.REAL_TOPIC) != null;
    }

    private static String realTopic(StoredMessage half) {
        String topic = half.property(MessageConst.REAL_TOPIC);
        if (topic == null) {
            throw new IllegalStateException("half message at offset " + half.physicalOffset() + " has no "
                    + MessageConst.REAL_TOPIC + " property");
        }
        return topic;
    }

    private static int realQueueId(StoredMessage half) {
        String raw = half.property(MessageConst.REAL_QUEUE_ID);
        try {
            return raw == null ? 0 : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("half message at offset " + half.physicalOffset() + " has "
                    + MessageConst.REAL_QUEUE_ID + "='" + raw + "', not a queue id", e);
        }
    }

    private static Map<String, String> realProperties(Map<String, String> halfProperties) {
        Map<String, String> props = withoutHostProperties(halfProperties);
        props.remove(MessageConst.REAL_TOPIC);
        props.remove(MessageConst.REAL_QUEUE_ID);
        return props;
    }

    /** The record builder re-derives the IPv6 host properties from the hosts, so copies must not carry stale ones. */
    private static Map<String, String> withoutHostProperties(Map<String, String> properties) {
        Map<String, String> props = new LinkedHashMap<>(properties);
        props.remove(MessageRecord.BORN_HOST_PROPERTY);
        props.remove(MessageRecord.STORE_HOST_PROPERTY);
        return props;
    }
}
