package io.tidemq.it.support;

import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records what consumers received: how often each sequence number came, by which member, and whether a
 * member saw the offsets of a queue in increasing order. Listeners run on client threads; every structure
 * here is concurrent or atomic.
 */
public final class Deliveries {

    private final int capacity;
    /** Deliveries per sequence number. */
    private final AtomicLongArray counts;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong distinct = new AtomicLong();
    /** Unique ids seen (UNIQ_KEY); concurrent set. */
    private final Set<String> uniqueIds = ConcurrentHashMap.newKeySet();
    /** Last offset seen per "member/queue"; updated with compute (atomic per key). */
    private final Map<String, Long> lastOffsets = new ConcurrentHashMap<>();
    /** Problems found on listener threads, reported by the test thread. */
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    /** Per member: the sequence numbers it received (for broadcasting and hand-over checks). */
    private final Map<String, Set<Integer>> byMember = new ConcurrentHashMap<>();
    /** Per member: tags received, for filter checks. */
    private final Map<String, Queue<String>> tagsByMember = new ConcurrentHashMap<>();

    /** @param capacity sequence numbers are in {@code [0, capacity)} */
    public Deliveries(int capacity) {
        this.capacity = capacity;
        this.counts = new AtomicLongArray(capacity);
    }

    /**
     * A listener for member {@code member} that records every message and returns SUCCESS. With
     * {@code checkOrder}, offsets of a queue must increase strictly within this member (meaningful when the
     * member runs one consume thread, so calls for a queue do not overlap).
     */
    public MessageListenerConcurrently listener(String member, boolean checkOrder) {
        Set<Integer> mine = byMember.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet());
        Queue<String> tags = tagsByMember.computeIfAbsent(member, m -> new ConcurrentLinkedQueue<>());
        return (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                record(member, ctx.queue(), m, checkOrder, mine, tags);
            }
            return ConsumeStatus.SUCCESS;
        };
    }

    private void record(String member, MessageQueue mq, MessageExt m, boolean checkOrder, Set<Integer> mine,
                        Queue<String> tags) {
        int seq;
        try {
            seq = Bodies.seqOf(m.body());
        } catch (IllegalArgumentException e) {
            violations.add(member + " got " + m.msgId() + " on " + mq + ": " + e.getMessage());
            return;
        }
        if (seq < 0 || seq >= capacity) {
            violations.add(member + " got seq " + seq + " outside [0, " + capacity + ")");
            return;
        }
        if (m.uniqueId() == null) {
            violations.add(member + " got seq " + seq + " without a unique id");
        } else {
            uniqueIds.add(m.uniqueId());
        }
        if (counts.getAndIncrement(seq) == 0) {
            distinct.incrementAndGet();
        }
        total.incrementAndGet();
        mine.add(seq);
        tags.add(m.tag() == null ? "" : m.tag());
        if (checkOrder) {
            lastOffsets.compute(member + "/" + mq, (k, last) -> {
                if (last != null && m.queueOffset() <= last) {
                    violations.add(member + " got offset " + m.queueOffset() + " of " + mq + " after " + last);
                }
                return m.queueOffset();
            });
        }
    }

    public long total() {
        return total.get();
    }

    public long distinct() {
        return distinct.get();
    }

    /** Deliveries beyond the first of each message. */
    public long duplicates() {
        return total.get() - distinct.get();
    }

    public long count(int seq) {
        return counts.get(seq);
    }

    public boolean received(int seq) {
        return counts.get(seq) > 0;
    }

    /** Sequence numbers delivered more than once, at most {@code max} of them. */
    public List<Integer> duplicated(int max) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < capacity && out.size() < max; i++) {
            if (counts.get(i) > 1) {
                out.add(i);
            }
        }
        return out;
    }

    /** For failure messages: up to {@code max} duplicated seqs, each with the members that received it. */
    public String duplicateReport(int max) {
        StringBuilder sb = new StringBuilder();
        for (int seq : duplicated(max)) {
            List<String> members = new ArrayList<>();
            byMember.forEach((member, seqs) -> {
                if (seqs.contains(seq)) {
                    members.add(member);
                }
            });
            sb.append(sb.length() == 0 ? "" : ", ").append(seq).append(" x").append(counts.get(seq)).append(' ')
                    .append(members);
        }
        return sb.toString();
    }

    /** Of {@code expected}, the sequence numbers never delivered. */
    public BitSet missing(BitSet expected) {
        BitSet missing = new BitSet();
        expected.stream().filter(s -> counts.get(s) == 0).forEach(missing::set);
        return missing;
    }

    public int uniqueIdCount() {
        return uniqueIds.size();
    }

    public Set<Integer> seqsOf(String member) {
        return byMember.getOrDefault(member, Set.of());
    }

    public List<String> tagsOf(String member) {
        return new ArrayList<>(tagsByMember.getOrDefault(member, new ConcurrentLinkedQueue<>()));
    }

    public List<String> violations() {
        return new ArrayList<>(violations);
    }
}
