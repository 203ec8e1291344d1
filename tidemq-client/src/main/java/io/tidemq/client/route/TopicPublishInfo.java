package io.tidemq.client.route;

import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queues a producer may write for one topic, and the round-robin cursor over them. The queue list is
 * immutable; a route change builds a new instance. Selection is lock-free and allocation-free.
 */
public final class TopicPublishInfo {

    private final String topic;
    private final List<MessageQueue> writableQueues;
    /** Shared by all sending threads; contention on it is a single atomic increment per send. */
    private final AtomicInteger cursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    public TopicPublishInfo(String topic, List<MessageQueue> writableQueues) {
        this.topic = topic;
        this.writableQueues = List.copyOf(writableQueues);
    }

    /** The writable queues of every writable broker group that has a master, sorted. */
    public static TopicPublishInfo from(String topic, TopicRouteData route) {
        List<MessageQueue> queues = new ArrayList<>();
        for (QueueData qd : route.queueDatas()) {
            BrokerData bd = route.broker(qd.brokerName());
            if (!Perm.isWritable(qd.perm()) || bd == null || bd.masterAddr() == null) {
                continue;
            }
            for (int i = 0; i < qd.writeQueueNums(); i++) {
                queues.add(new MessageQueue(topic, qd.brokerName(), i));
            }
        }
        queues.sort(null);
        return new TopicPublishInfo(topic, queues);
    }

    public String topic() {
        return topic;
    }

    public List<MessageQueue> writableQueues() {
        return writableQueues;
    }

    public boolean isEmpty() {
        return writableQueues.isEmpty();
    }

    /**
     * The next queue in round-robin order, preferring, in turn: a broker that is available and is not
     * {@code avoidBroker} (the one the previous attempt failed on), any broker but {@code avoidBroker}, any
     * queue. Returns {@code null} only when there are no writable queues.
     */
    public MessageQueue selectQueue(BrokerFaultTracker faults, String avoidBroker) {
        int n = writableQueues.size();
        if (n == 0) {
            return null;
        }
        int start = cursor.getAndIncrement();
        for (int i = 0; i < n; i++) {
            MessageQueue mq = writableQueues.get(Math.floorMod(start + i, n));
            if (!mq.brokerName().equals(avoidBroker) && faults.isAvailable(mq.brokerName())) {
                return mq;
            }
        }
        for (int i = 0; i < n; i++) {
            MessageQueue mq = writableQueues.get(Math.floorMod(start + i, n));
            if (!mq.brokerName().equals(avoidBroker)) {
                return mq;
            }
        }
        return writableQueues.get(Math.floorMod(start, n));
    }
}
