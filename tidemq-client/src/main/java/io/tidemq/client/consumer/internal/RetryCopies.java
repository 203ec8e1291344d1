package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;

import java.util.ArrayList;
import java.util.List;

/**
 * Presents retry copies as the messages they retry: a message pulled from {@code %RETRY%<group>} reports the
 * topic it was first sent to (its ORIGIN_TOPIC) from {@link MessageExt#topic()}; ids, offsets, reconsume count
 * and properties stay those of the copy, so sending it back and committing its offset still refer to the
 * retry queue. Stateless.
 */
public final class RetryCopies {

    private RetryCopies() {
    }

    /** {@code msgs} as the listener sees them: unchanged unless {@code mq} is a retry queue. */
    public static List<MessageExt> withOriginTopics(MessageQueue mq, List<MessageExt> msgs) {
        if (!mq.topic().startsWith(NameValidator.RETRY_PREFIX)) {
            return msgs;
        }
        List<MessageExt> out = new ArrayList<>(msgs.size());
        for (MessageExt m : msgs) {
            out.add(withOriginTopic(m));
        }
        return out;
    }

    static MessageExt withOriginTopic(MessageExt m) {
        String origin = m.property(MessageConst.ORIGIN_TOPIC);
        if (origin == null || origin.isEmpty() || origin.equals(m.topic())) {
            return m;
        }
        return new MessageExt(m.msgId(), origin, m.queueId(), m.queueOffset(), m.commitLogOffset(),
                m.bornTimestampMs(), m.storeTimestampMs(), m.bornHost(), m.storeHost(), m.reconsumeTimes(), m.flag(),
                m.sysFlag(), m.properties(), m.body());
    }
}
