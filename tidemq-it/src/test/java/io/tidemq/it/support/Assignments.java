package io.tidemq.it.support;

import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.common.message.MessageQueue;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** How the queues of a topic are spread over the members of a consumer group. */
public final class Assignments {

    private Assignments() {
    }

    /** Each member holds queues, no queue is held twice, and together they hold all {@code queues}. */
    public static boolean isPartition(Collection<PushConsumer> members, int queues) {
        Set<MessageQueue> union = new HashSet<>();
        int total = 0;
        for (PushConsumer c : members) {
            Set<MessageQueue> a = c.assignment();
            if (a.isEmpty()) {
                return false;
            }
            union.addAll(a);
            total += a.size();
        }
        return union.size() == queues && total == queues;
    }
}
