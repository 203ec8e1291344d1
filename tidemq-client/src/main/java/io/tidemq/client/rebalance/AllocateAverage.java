package io.tidemq.client.rebalance;

import io.tidemq.common.message.MessageQueue;

import java.util.List;

/**
 * Contiguous blocks: with q queues and n members, member i gets q/n queues plus one more when
 * i < q mod n, taken in order. Members read neighbouring queues, which keeps each member on few brokers.
 */
public final class AllocateAverage implements AllocateStrategy {

    @Override
    public List<MessageQueue> allocate(String group, String currentClientId, List<MessageQueue> all,
                                       List<String> clientIds) {
        int index = clientIds.indexOf(currentClientId);
        if (index < 0 || all.isEmpty()) {
            return List.of();
        }
        int n = clientIds.size();
        int base = all.size() / n;
        int extra = all.size() % n;
        int start = index * base + Math.min(index, extra);
        int count = base + (index < extra ? 1 : 0);
        return List.copyOf(all.subList(start, start + count));
    }

    @Override
    public String name() {
        return "average";
    }
}
