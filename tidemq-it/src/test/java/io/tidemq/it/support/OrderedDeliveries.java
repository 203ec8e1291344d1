package io.tidemq.it.support;

import io.tidemq.client.consumer.ConsumeOrderlyStatus;
import io.tidemq.client.consumer.MessageListenerOrderly;
import io.tidemq.client.producer.MessageQueueSelector;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Ordered-message traffic for tests: {@code keys} sharding keys with {@code perKey} messages each, sent with
 * {@link MessageQueueSelector#byHash()} on the key, and what ordered listeners made of it. The checks: per key
 * the sequence numbers arrive strictly increasing and from one queue; no queue is ever in two listener calls
 * at once (across members, also checked after the fact from every call's recorded interval, see {@link #overlaps});
 * every message arrives exactly once. Listener threads record, the test thread reads;
 * every structure is atomic or concurrent.
 */
public final class OrderedDeliveries {

    private final int keys;
    private final int perKey;
    /** Per key, the last sequence number consumed; -1 before the first. */
    private final AtomicIntegerArray lastSeq;
    /** Per key, the queue id its messages came from; -1 before the first. */
    private final AtomicIntegerArray queueOfKey;
    /** Deliveries per message (key * perKey + seq). */
    private final AtomicIntegerArray counts;
    private final AtomicLong total = new AtomicLong();
    /** Queue to "member/thread" while a listener call on it runs. */
    private final Map<MessageQueue, String> busy = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byMember = new ConcurrentHashMap<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    /** Every listener call: queue, "member/thread", start and end on this JVM's monotonic clock. */
    private final Queue<Interval> intervals = new ConcurrentLinkedQueue<>();

    private record Interval(MessageQueue queue, String who, long startNanos, long endNanos) {
    }

    public OrderedDeliveries(int keys, int perKey) {
        this.keys = keys;
        this.perKey = perKey;
        this.lastSeq = filled(keys);
        this.queueOfKey = filled(keys);
        this.counts = new AtomicIntegerArray(keys * perKey);
    }

    private static AtomicIntegerArray filled(int n) {
        AtomicIntegerArray a = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, -1);
        }
        return a;
    }

    public static String shardingKey(int key) {
        return "order-" + key;
    }

    public static Message message(String topic, int key, int seq) {
        return Message.builder(topic).keys(shardingKey(key))
                .body(("key=" + key + ";seq=" + seq).getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The key and sequence number a body carries. */
    public static int[] parse(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        int semi = s.indexOf(';');
        if (!s.startsWith("key=") || semi < 0 || !s.startsWith(";seq=", semi)) {
            throw new IllegalArgumentException("not an ordered test body: " + s);
        }
        return new int[] {Integer.parseInt(s.substring(4, semi)), Integer.parseInt(s.substring(semi + 5))};
    }

    /**
     * Sends every key's messages in sequence order, the keys spread over {@code threads} sending threads (each
     * key stays on one thread, so its sends are sequential); returns once all were acknowledged.
     */
    public void sendAll(Producer producer, String topic, int threads) throws InterruptedException {
        send(producer, topic, threads, 0, perKey);
    }

    /** Like {@link #sendAll} for sequence numbers {@code [fromSeq, toSeq)} of every key. */
    public void send(Producer producer, String topic, int threads, int fromSeq, int toSeq) throws InterruptedException {
        List<Thread> senders = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread sender = new Thread(() -> {
                try {
                    for (int seq = fromSeq; seq < toSeq; seq++) {
                        for (int key = first; key < keys; key += threads) {
                            producer.send(message(topic, key, seq), MessageQueueSelector.byHash(), shardingKey(key));
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "it-order-sender-" + t);
            senders.add(sender);
            sender.start();
        }
        for (Thread s : senders) {
            s.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " sender thread(s) failed", failures.peek());
        }
    }

    /** A listener for {@code member} that records every message and returns SUCCESS. */
    public MessageListenerOrderly listener(String member) {
        return listener(member, 0);
    }

    /**
     * A listener for {@code member} that records every message, spends {@code workMicrosPerMessage} on each (as
     * an application would), and returns SUCCESS. Each call's interval is recorded for {@link #overlaps}.
     */
    public MessageListenerOrderly listener(String member, long workMicrosPerMessage) {
        AtomicLong mine = byMember.computeIfAbsent(member, m -> new AtomicLong());
        return (msgs, ctx) -> {
            long startNanos = System.nanoTime();
            String me = member + "/" + Thread.currentThread().getName();
            String other = busy.putIfAbsent(ctx.queue(), me);
            if (other != null) {
                violations.add(ctx.queue() + " consumed by " + me + " while " + other + " was consuming it");
            }
            try {
                for (MessageExt m : msgs) {
                    record(member, m);
                    mine.incrementAndGet();
                    if (workMicrosPerMessage > 0) {
                        LockSupport.parkNanos(workMicrosPerMessage * 1_000L);
                    }
                }
            } finally {
                if (other == null) {
                    busy.remove(ctx.queue(), me);
                }
                intervals.add(new Interval(ctx.queue(), me, startNanos, System.nanoTime()));
            }
            return ConsumeOrderlyStatus.SUCCESS;
        };
    }

    /** Records one consumed message (for listeners written by a test). */
    public void record(String member, MessageExt m) {
        int[] ks = parse(m.body());
        int key = ks[0];
        int seq = ks[1];
        int last = lastSeq.getAndSet(key, seq);
        if (seq <= last) {
            violations.add(member + " got seq " + seq + " of key " + key + " after seq " + last + " (offset "
                    + m.queueOffset() + " of queue " + m.queueId() + ")");
        }
        if (!queueOfKey.compareAndSet(key, -1, m.queueId()) && queueOfKey.get(key) != m.queueId()) {
            violations.add("key " + key + " arrived from queues " + queueOfKey.get(key) + " and " + m.queueId());
        }
        counts.incrementAndGet(key * perKey + seq);
        total.incrementAndGet();
    }

    public long total() {
        return total.get();
    }

    public long consumedBy(String member) {
        AtomicLong n = byMember.get(member);
        return n == null ? 0 : n.get();
    }

    /** Messages never delivered, as "key/seq", at most {@code max}. */
    public List<String> missing(int max) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < counts.length() && out.size() < max; i++) {
            if (counts.get(i) == 0) {
                out.add(i / perKey + "/" + i % perKey);
            }
        }
        return out;
    }

    /** Messages delivered more than once, as "key/seq", at most {@code max}. */
    public List<String> duplicated(int max) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < counts.length() && out.size() < max; i++) {
            if (counts.get(i) > 1) {
                out.add(i / perKey + "/" + i % perKey + " x" + counts.get(i));
            }
        }
        return out;
    }

    /**
     * Listener calls of one queue whose intervals overlap (two calls on the queue at the same instant, by any
     * members), at most {@code max}, described. Every call is compared with every later-starting call of its queue
     * that starts before it ends.
     */
    public List<String> overlaps(int max) {
        Map<MessageQueue, List<Interval>> byQueue = new ConcurrentHashMap<>();
        for (Interval i : intervals) {
            byQueue.computeIfAbsent(i.queue(), q -> new ArrayList<>()).add(i);
        }
        List<String> out = new ArrayList<>();
        byQueue.forEach((queue, calls) -> {
            calls.sort(Comparator.comparingLong(Interval::startNanos));
            long latestEnd = Long.MIN_VALUE;
            Interval latest = null;
            for (Interval call : calls) {
                if (latest != null && call.startNanos() < latestEnd && out.size() < max) {
                    out.add(queue + ": " + call.who() + " started " + (latestEnd - call.startNanos()) / 1_000
                            + " us before " + latest.who() + " ended");
                }
                if (call.endNanos() > latestEnd) {
                    latestEnd = call.endNanos();
                    latest = call;
                }
            }
        });
        return out;
    }

    /** How many listener calls were recorded. */
    public int calls() {
        return intervals.size();
    }

    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    public int expectedTotal() {
        return keys * perKey;
    }
}
