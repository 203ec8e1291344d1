package io.tidemq.common.message;

import java.util.List;
import java.util.Map;

/**
 * A message as the broker stored it and a consumer receives it: the producer's message plus where and when
 * it was stored.
 *
 * @param msgId           the broker-assigned id (encodes the store host and the physical offset)
 * @param topic           the topic it was delivered from (a retry copy reports its original topic)
 * @param queueId         the queue within the topic
 * @param queueOffset     the message's logical offset in its queue
 * @param commitLogOffset the message's physical offset in the broker's CommitLog
 * @param bornTimestampMs when the producer created it, epoch millis
 * @param storeTimestampMs when the broker stored it, epoch millis
 * @param bornHost        "ip:port" of the producer
 * @param storeHost       "ip:port" of the broker that stored it
 * @param reconsumeTimes  how many times it has been redelivered after a failed consumption
 * @param flag            the producer's flag
 * @param sysFlag         the store's system flags
 * @param properties      all properties, system and user
 * @param body            the body; callers must not modify it
 */
public record MessageExt(
        String msgId,
        String topic,
        int queueId,
        long queueOffset,
        long commitLogOffset,
        long bornTimestampMs,
        long storeTimestampMs,
        String bornHost,
        String storeHost,
        int reconsumeTimes,
        int flag,
        int sysFlag,
        Map<String, String> properties,
        byte[] body) {

    public String tag() {
        return properties.get(MessageConst.TAGS);
    }

    public List<String> keys() {
        String k = properties.get(MessageConst.KEYS);
        return k == null ? List.of() : List.of(k.split(MessageConst.KEY_SEPARATOR));
    }

    /** The producer's unique id: stable across retries, unlike {@link #msgId()}. */
    public String uniqueId() {
        String u = properties.get(MessageConst.UNIQ_KEY);
        return u != null ? u : msgId;
    }

    public String property(String name) {
        return properties.get(name);
    }

    @Override
    public String toString() {
        return "MessageExt{msgId=" + msgId + ", topic=" + topic + ", queueId=" + queueId + ", queueOffset="
                + queueOffset + ", bodyBytes=" + body.length + ", properties=" + properties + '}';
    }
}
