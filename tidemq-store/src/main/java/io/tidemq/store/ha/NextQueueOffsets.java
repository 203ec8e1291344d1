package io.tidemq.store.ha;

import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.commitlog.DispatchRequest;
import io.tidemq.store.commitlog.RecordReader;
import io.tidemq.store.queue.ConsumeQueue;
import io.tidemq.store.queue.ConsumeQueueStore;

import java.util.HashMap;
import java.util.Map;

/**
 * Sets every queue's next offset (the one the next append takes) from the ConsumeQueues and from the CommitLog
 * records not dispatched yet. With replication, dispatch stops at the commit point, so records past it hold queue
 * offsets no ConsumeQueue shows; counting from the ConsumeQueues alone would give a new message an offset such a
 * record already holds, and a consumer would lose one of the two (apache/rocketmq#7689). Stateless.
 */
public final class NextQueueOffsets {

    private record QueueKey(String topic, int queueId) {
    }

    private NextQueueOffsets() {
    }

    /**
     * @param undispatchedFrom the first CommitLog offset not reflected in the ConsumeQueues
     * @param end              the CommitLog's end
     * @return how many undispatched records were counted
     */
    public static int rebuild(CommitLog commitLog, ConsumeQueueStore consumeQueues, long undispatchedFrom, long end) {
        Map<QueueKey, Long> next = new HashMap<>();
        for (ConsumeQueue queue : consumeQueues.all()) {
            next.put(new QueueKey(queue.topic(), queue.queueId()), queue.maxOffset());
        }
        int[] counted = new int[1];
        if (undispatchedFrom < end) {
            commitLog.scan(undispatchedFrom, end, (file, position, size) -> {
                DispatchRequest record = RecordReader.toDispatchRequest(file, position);
                next.merge(new QueueKey(record.topic(), record.queueId()), record.queueOffset() + 1, Math::max);
                counted[0]++;
            });
        }
        next.forEach((queue, offset) -> commitLog.setNextQueueOffset(queue.topic(), queue.queueId(), offset));
        return counted[0];
    }
}
