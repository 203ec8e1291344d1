package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.consumer.PullConsumer;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a pull consumer back to the first message it received but did not hand out, so committing does not
 * skip it. A message names its topic and queue id but not its broker; when several brokers host that queue
 * id, the broker is found from the message's store host and the topic's route.
 */
final class Rewinder {

    private final PullConsumer consumer;
    private final ClientOptions client;
    private final PrintWriter err;

    Rewinder(PullConsumer consumer, ClientOptions client, PrintWriter err) {
        this.consumer = consumer;
        this.client = client;
        this.err = err;
    }

    /** Seeks each queue of {@code unhanded} to its smallest offset there (per queue they arrive in offset order). */
    void rewind(List<MessageExt> unhanded) {
        Map<String, MessageExt> firstPerQueue = new HashMap<>();
        for (MessageExt m : unhanded) {
            firstPerQueue.merge(m.topic() + '#' + m.queueId() + '@' + m.storeHost(), m,
                    (a, b) -> a.queueOffset() <= b.queueOffset() ? a : b);
        }
        for (MessageExt m : firstPerQueue.values()) {
            MessageQueue mq = queueOf(m);
            if (mq == null) {
                err.println("warning: could not tell which queue message " + m.msgId() + " came from; it and the"
                        + " messages after it in its queue are committed without being printed");
            } else {
                consumer.seek(mq, m.queueOffset());
            }
        }
    }

    private MessageQueue queueOf(MessageExt m) {
        MessageQueue only = null;
        int matches = 0;
        for (MessageQueue mq : consumer.assignment()) {
            if (mq.topic().equals(m.topic()) && mq.queueId() == m.queueId()) {
                only = mq;
                matches++;
            }
        }
        if (matches <= 1) {
            return only;
        }
        String brokerName = brokerNameOf(m.topic(), m.storeHost());
        return brokerName == null ? null : new MessageQueue(m.topic(), brokerName, m.queueId());
    }

    private String brokerNameOf(String topic, String storeHost) {
        try (AdminClient admin = AdminClient.connect(client.namesrv, client.requestTimeoutMs)) {
            TopicRouteData route = admin.route(topic);
            for (BrokerData b : route.brokerDatas()) {
                if (b.brokerAddrs() != null && b.brokerAddrs().containsValue(storeHost)) {
                    return b.brokerName();
                }
            }
        } catch (RuntimeException e) {
            err.println("warning: route lookup of topic " + topic + " failed: " + e.getMessage());
        }
        return null;
    }
}
