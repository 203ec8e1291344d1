package io.tidemq.broker.schedule;

import io.tidemq.common.message.MessageConst;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shapes a delayed message takes: the copy stored in {@value #TOPIC} while it waits, the copy rolled forward
 * within that topic, and the record finally delivered to its real topic.
 */
public final class TimerRecords {

    /** The system topic holding every scheduled message (queue {@value #QUEUE_ID}). */
    public static final String TOPIC = "TIDEMQ_SYS_TIMER";
    public static final int QUEUE_ID = 0;
    /**
     * Set on every re-put (delivery or roll) to the CommitLog offset of the {@value #TOPIC} record it came from;
     * recovery finds re-puts made before a crash by it (see {@link RedeliveryGuard}).
     */
    public static final String SOURCE_OFFSET_PROPERTY = "TIMER_SRC";
    /**
     * Where a scheduled message goes when it can never be delivered (its re-put fails permanently, or after
     * {@code TimerDelivery.MAX_PUT_ATTEMPTS} failed attempts): one queue, the record with every property it had
     * in the timer topic (REAL_TOPIC, REAL_QID, DELIVER_AT_MS included) plus {@link #DEAD_LETTER_REASON_PROPERTY}.
     */
    public static final String DEAD_LETTER_TOPIC = "TIDEMQ_SYS_TIMER_DLQ";
    /** Why a message was dead-lettered by the timer (the last failure's message). */
    public static final String DEAD_LETTER_REASON_PROPERTY = "TIMER_DLQ_REASON";
    private static final int MAX_REASON_CHARS = 200;

    private TimerRecords() {
    }

    /** The copy of {@code original} that waits in the timer topic until {@code deliverAtMs}. */
    static MessageRecord scheduledCopy(MessageRecord original, long deliverAtMs) {
        Map<String, String> props = new LinkedHashMap<>(original.properties());
        props.remove(MessageConst.DELAY_MS);
        props.put(MessageConst.DELIVER_AT_MS, Long.toString(deliverAtMs));
        props.put(MessageConst.REAL_TOPIC, original.topic());
        props.put(MessageConst.REAL_QUEUE_ID, Integer.toString(original.queueId()));
        return copyOf(original, TOPIC, QUEUE_ID, props);
    }

    /** {@code original} without its delay properties, for a delay too short to schedule. */
    static MessageRecord withoutDelay(MessageRecord original) {
        Map<String, String> props = new LinkedHashMap<>(original.properties());
        props.remove(MessageConst.DELAY_MS);
        props.remove(MessageConst.DELIVER_AT_MS);
        return copyOf(original, original.topic(), original.queueId(), props);
    }

    private static MessageRecord copyOf(MessageRecord original, String topic, int queueId, Map<String, String> props) {
        return MessageRecord.builder(topic, queueId)
                .flag(original.flag())
                .sysFlag(original.sysFlag())
                .properties(props)
                .body(original.body())
                .bornTimestampMs(original.bornTimestampMs())
                .bornHost(original.bornHost())
                .storeHost(original.storeHost())
                .reconsumeTimes(original.reconsumeTimes())
                .preparedTransactionOffset(original.preparedTransactionOffset())
                .build();
    }

    /**
     * The record delivered to REAL_TOPIC / REAL_QID: every property but the scheduling ones is kept (UNIQ_KEY
     * included), plus {@link #SOURCE_OFFSET_PROPERTY}.
     *
     * @throws InvalidMessageException when REAL_TOPIC / REAL_QID are missing or malformed
     */
    static MessageRecord delivery(StoredMessage scheduled) {
        String topic = scheduled.property(MessageConst.REAL_TOPIC);
        String queue = scheduled.property(MessageConst.REAL_QUEUE_ID);
        if (topic == null || queue == null) {
            throw new InvalidMessageException("scheduled message at " + scheduled.physicalOffset()
                    + " has no REAL_TOPIC/REAL_QID");
        }
        int queueId;
        try {
            queueId = Integer.parseInt(queue);
        } catch (NumberFormatException e) {
            throw new InvalidMessageException("scheduled message at " + scheduled.physicalOffset()
                    + " has a malformed REAL_QID '" + queue + "'");
        }
        Map<String, String> props = storedProperties(scheduled);
        props.remove(MessageConst.REAL_TOPIC);
        props.remove(MessageConst.REAL_QUEUE_ID);
        props.remove(MessageConst.DELIVER_AT_MS);
        props.remove(MessageConst.DELAY_MS);
        props.put(SOURCE_OFFSET_PROPERTY, Long.toString(scheduled.physicalOffset()));
        return copyOf(scheduled, topic, queueId, props);
    }

    /** A fresh copy of a scheduled message in the timer topic, same due time, for a message rolled forward. */
    static MessageRecord rolled(StoredMessage scheduled) {
        Map<String, String> props = storedProperties(scheduled);
        props.put(SOURCE_OFFSET_PROPERTY, Long.toString(scheduled.physicalOffset()));
        return copyOf(scheduled, TOPIC, QUEUE_ID, props);
    }

    /** A copy of a scheduled message in {@value #DEAD_LETTER_TOPIC}, saying {@code why} it was not delivered. */
    static MessageRecord deadLetter(StoredMessage scheduled, String why) {
        Map<String, String> props = storedProperties(scheduled);
        props.put(SOURCE_OFFSET_PROPERTY, Long.toString(scheduled.physicalOffset()));
        String reason = why == null ? "unknown" : why;
        // property values may not hold the record's separators; keep the reason short and printable
        reason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
        props.put(DEAD_LETTER_REASON_PROPERTY, reason.replaceAll("[^\\x20-\\x7e]", " "));
        return copyOf(scheduled, DEAD_LETTER_TOPIC, QUEUE_ID, props);
    }

    private static Map<String, String> storedProperties(StoredMessage m) {
        Map<String, String> props = new LinkedHashMap<>(m.properties());
        // the builder re-derives these from the hosts
        props.remove(MessageRecord.BORN_HOST_PROPERTY);
        props.remove(MessageRecord.STORE_HOST_PROPERTY);
        return props;
    }

    private static MessageRecord copyOf(StoredMessage m, String topic, int queueId, Map<String, String> props) {
        return MessageRecord.builder(topic, queueId)
                .flag(m.flag())
                .sysFlag(m.sysFlag())
                .properties(props)
                .body(m.body())
                .bornTimestampMs(m.bornTimestampMs())
                .bornHost(m.bornHost())
                .storeHost(m.storeHost())
                .reconsumeTimes(m.reconsumeTimes())
                .preparedTransactionOffset(m.preparedTransactionOffset())
                .build();
    }

    /** The due time a scheduled message carries, or its store time when the property is missing or malformed. */
    static long deliverAtMs(StoredMessage scheduled) {
        String at = scheduled.property(MessageConst.DELIVER_AT_MS);
        if (at != null) {
            try {
                return Long.parseLong(at);
            } catch (NumberFormatException e) {
                // fall through: deliver now rather than never
            }
        }
        return scheduled.storeTimestampMs();
    }
}
