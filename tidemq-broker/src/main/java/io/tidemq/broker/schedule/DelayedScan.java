package io.tidemq.broker.schedule;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.protocol.body.WaitingMessages;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoredMessage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The delayed messages waiting, per destination topic, from a bounded read of {@value TimerRecords#TOPIC} (the
 * console's Waiting page, GET_WAITING_MESSAGES). It reads only the message store, never the timer store (owned
 * by the scan thread), so it runs on any thread. A record waits when it is due after now and no later record
 * rolled it (a roll re-puts the record with {@link TimerRecords#SOURCE_OFFSET_PROPERTY} = its CommitLog offset).
 * Records stored more than two roll windows ago were rolled (or delivered) already, so the read starts there.
 * Stateless.
 */
public final class DelayedScan {

    /** The most timer-topic records one scan reads. */
    public static final int MAX_SCAN = 10_000;
    private static final int BATCH = 256;
    private static final long BATCH_BYTES = 4L << 20;

    /** What a scan found. */
    public record Result(List<WaitingMessages.DelayedTopic> topics, boolean complete, String note) {
    }

    private DelayedScan() {
    }

    public static Result scan(MessageStore store, long rollWindowMs, long nowMs, int maxScan) {
        String topic = TimerRecords.TOPIC;
        int q = TimerRecords.QUEUE_ID;
        long max = store.maxQueueOffset(topic, q);
        long min = store.minQueueOffset(topic, q);
        long from = Math.max(min, store.queueOffsetByTime(topic, q, nowMs - 2 * rollWindowMs));
        from = Math.min(Math.max(from, min), max);
        List<StoredMessage> waiting = new ArrayList<>();
        Set<Long> rolledSources = new HashSet<>();
        long offset = from;
        int read = 0;
        while (offset < max && read < maxScan) {
            GetResult r = store.getMessages(topic, q, offset, Math.min(BATCH, maxScan - read), BATCH_BYTES, null);
            if (r.status() != GetStatus.FOUND || r.messages().isEmpty()) {
                if (r.nextBeginOffset() <= offset) {
                    break;
                }
                offset = r.nextBeginOffset();
                continue;
            }
            for (StoredMessage m : r.messages()) {
                read++;
                String src = m.property(TimerRecords.SOURCE_OFFSET_PROPERTY);
                if (src != null) {
                    try {
                        rolledSources.add(Long.parseLong(src));
                    } catch (NumberFormatException e) {
                        // not a roll we can match: counted as its own record
                    }
                }
                if (TimerRecords.deliverAtMs(m) > nowMs) {
                    waiting.add(m);
                }
            }
            offset = r.nextBeginOffset();
        }
        Map<String, List<StoredMessage>> byTopic = new TreeMap<>();
        for (StoredMessage m : waiting) {
            if (rolledSources.contains(m.physicalOffset())) {
                continue; // superseded by its rolled copy
            }
            String real = m.property(MessageConst.REAL_TOPIC);
            byTopic.computeIfAbsent(real == null ? "(unknown)" : real, k -> new ArrayList<>()).add(m);
        }
        List<WaitingMessages.DelayedTopic> topics = new ArrayList<>();
        byTopic.forEach((t, list) -> {
            list.sort(Comparator.comparingLong(TimerRecords::deliverAtMs));
            topics.add(new WaitingMessages.DelayedTopic(t, list.size(), list.stream()
                    .limit(WaitingMessages.MAX_LISTED)
                    .map(m -> new WaitingMessages.Due(m.msgId(), m.uniqueKey(), m.keys(), m.storeTimestampMs(),
                            TimerRecords.deliverAtMs(m)))
                    .toList()));
        });
        boolean complete = offset >= max;
        String note = complete
                ? "complete: read the " + read + " timer record(s) stored since two roll windows ago ("
                        + (max - from) + " offsets)"
                : "stopped early at the limit of " + maxScan + " timer records: read offsets " + from + " to "
                        + (offset - 1) + " of " + max + "; messages in later records are not counted";
        return new Result(topics, complete, note);
    }
}
