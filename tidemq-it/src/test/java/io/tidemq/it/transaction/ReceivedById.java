package io.tidemq.it.transaction;

import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.common.message.MessageExt;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Deliveries to a push consumer counted by unique id, with each id's body. Listener threads write. */
final class ReceivedById {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();

    MessageListenerConcurrently listener() {
        return (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                counts.computeIfAbsent(m.uniqueId(), k -> new AtomicInteger()).incrementAndGet();
                bodies.putIfAbsent(m.uniqueId(), new String(m.body(), StandardCharsets.UTF_8));
            }
            return ConsumeStatus.SUCCESS;
        };
    }

    Set<String> ids() {
        return new TreeSet<>(counts.keySet());
    }

    boolean received(String id) {
        return counts.containsKey(id);
    }

    /** Deliveries per id; an id delivered once maps to 1. */
    Map<String, Integer> counts() {
        Map<String, Integer> out = new TreeMap<>();
        counts.forEach((id, n) -> out.put(id, n.get()));
        return out;
    }

    String body(String id) {
        return bodies.get(id);
    }
}
