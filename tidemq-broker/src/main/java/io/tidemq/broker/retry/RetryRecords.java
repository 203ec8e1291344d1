package io.tidemq.broker.retry;

import io.tidemq.broker.schedule.TimerRecords;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.SysFlag;
import io.tidemq.common.names.NameValidator;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The copies retries make of a stored message: the retry copy for {@code %RETRY%<group>} (due later), the
 * dead-letter copy for {@code %DLQ%<group>}, and the resent copy an admin puts back from the DLQ. Stateless.
 *
 * <p>Every copy keeps the body, flag, born time and host, UNIQ_KEY, tag, keys and user properties. It records
 * where the message came from once: ORIGIN_TOPIC and ORIGIN_MSG_ID are set from the first failed delivery and
 * never overwritten by later ones. Scheduling and transaction leftovers (DELAY_MS, DELIVER_AT_MS, REAL_TOPIC,
 * REAL_QID, TRAN_MSG, the timer's source offset) are dropped so the copy is an ordinary message of its topic.
 */
final class RetryRecords {

    private RetryRecords() {
    }

    /**
     * The copy for the group's retry topic, due {@code delayMs} after the put path receives it (DELAY_MS, which
     * the put path turns into DELIVER_AT_MS at receipt, so a step of exactly 1 s is not cut short by the time
     * between this call and the put).
     */
    static MessageRecord retryCopy(StoredMessage original, String group, int reconsumeTimes, int maxReconsumeTimes,
                                   long delayMs, InetSocketAddress storeHost) {
        Map<String, String> props = carriedProperties(original);
        props.put(MessageConst.MAX_RECONSUME_TIMES, Integer.toString(maxReconsumeTimes));
        props.put(MessageConst.DELAY_MS, Long.toString(delayMs));
        return copy(original, NameValidator.retryTopic(group), props, reconsumeTimes, storeHost);
    }

    /** The copy stored in the group's dead-letter queue, at once. */
    static MessageRecord deadLetterCopy(StoredMessage original, String group, int reconsumeTimes,
                                        int maxReconsumeTimes, InetSocketAddress storeHost) {
        Map<String, String> props = carriedProperties(original);
        props.put(MessageConst.MAX_RECONSUME_TIMES, Integer.toString(maxReconsumeTimes));
        return copy(original, NameValidator.dlqTopic(group), props, reconsumeTimes, storeHost);
    }

    /** A dead letter put back into the group's retry topic: due at once, its reconsume count reset to 0. */
    static MessageRecord resentCopy(StoredMessage deadLetter, String group, InetSocketAddress storeHost) {
        Map<String, String> props = carriedProperties(deadLetter);
        props.remove(MessageConst.MAX_RECONSUME_TIMES);
        return copy(deadLetter, NameValidator.retryTopic(group), props, 0, storeHost);
    }

    /** The topic the message was first delivered from. */
    static String originTopic(StoredMessage m) {
        String origin = m.property(MessageConst.ORIGIN_TOPIC);
        return origin != null && !origin.isEmpty() ? origin : m.topic();
    }

    private static Map<String, String> carriedProperties(StoredMessage original) {
        Map<String, String> props = new LinkedHashMap<>(original.properties());
        props.remove(MessageConst.DELAY_MS);
        props.remove(MessageConst.DELIVER_AT_MS);
        props.remove(MessageConst.REAL_TOPIC);
        props.remove(MessageConst.REAL_QUEUE_ID);
        props.remove(MessageConst.TRANSACTION_PREPARED);
        props.remove(TimerRecords.SOURCE_OFFSET_PROPERTY);
        props.remove(MessageRecord.BORN_HOST_PROPERTY);
        props.remove(MessageRecord.STORE_HOST_PROPERTY);
        props.putIfAbsent(MessageConst.ORIGIN_TOPIC, originTopic(original));
        props.putIfAbsent(MessageConst.ORIGIN_MSG_ID, original.msgId());
        return props;
    }

    private static MessageRecord copy(StoredMessage original, String topic, Map<String, String> props,
                                      int reconsumeTimes, InetSocketAddress storeHost) {
        return MessageRecord.builder(topic, RetryTopics.QUEUE_ID)
                .flag(original.flag())
                .sysFlag(original.sysFlag() & ~SysFlag.TRANSACTION_MASK)
                .properties(props)
                .body(original.body())
                .bornTimestampMs(original.bornTimestampMs())
                .bornHost(original.bornHost())
                .storeHost(storeHost)
                .reconsumeTimes(reconsumeTimes)
                .build();
    }
}
