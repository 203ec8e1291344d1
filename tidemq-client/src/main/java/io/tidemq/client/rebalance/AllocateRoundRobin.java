package io.tidemq.client.rebalance;

import io.tidemq.common.message.MessageQueue;

import java.util.ArrayList;
import java.util.List;

/**
 * Deals the queues like cards: queue j goes to member j mod n. Spreads every broker's queues across the
 * members, so one slow broker slows everybody a little rather than one member a lot.
 */
public final class AllocateRoundRobin implements AllocateStrategy {

    @Override
    public List<MessageQueue> allocate(String group, String currentClientId, List<MessageQueue> all,
                                       List<String> clientIds) {
        int index = clientIds.indexOf(currentClientId);
        if (index < 0) {
            return List.of();
        }
        List<MessageQueue> mine = new ArrayList<>();
        for (int j = index; j < all.size(); j += clientIds.size()) {
            mine.add(all.get(j));
        }
        return mine;
    }

    @Override
    public String name() {
        return "round-robin";
    }
}
