package io.tidemq.broker.schedule;

import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exactly-once delivery across restarts and crashes.
 *
 * <p>The timer service persists a delivered cursor ("every slot before C is delivered") only after the re-puts
 * of those slots completed, so no entry is ever lost; but after a restart the slots from C on are loaded again
 * and some of their entries may already have been re-put before the stop. Each re-put carries
 * {@link TimerRecords#SOURCE_OFFSET_PROPERTY} = the CommitLog offset of the timer-topic record it came from. An
 * entry that could have fired in the previous run (its fire time is before this run's start) is "suspect": before
 * re-putting it, this guard reads the destination queue's messages stored since the start of the window, once per
 * queue, and skips the entry when a message with that source offset is there.
 *
 * <p>The window starts early enough to hold every re-put the previous run may have made of such entries: an
 * entry of slot s fires no earlier than s minus the look-ahead and one slot, and an entry indexed after the last
 * checkpoint fired after that checkpoint was written; so the window starts at
 * {@code min(C - lookAhead - precision, checkpointWrittenAt) - clock margin}. It is usually a few seconds of one
 * or two queues, read once.
 *
 * <p>Thread-safe: deliveries on several threads share the per-queue sets (built once each).
 */
final class RedeliveryGuard {

    private static final Logger log = LoggerFactory.getLogger(RedeliveryGuard.class);
    /** Tolerated wall-clock step between the two runs. */
    static final long CLOCK_MARGIN_MS = 2_000;
    private static final int READ_BATCH = 256;
    private static final long READ_BATCH_BYTES = 8 << 20;

    private final MessageStore store;
    private final long windowStartMs;
    private final long suspectBeforeMs;
    private final ConcurrentHashMap<String, Set<Long>> seenByQueue = new ConcurrentHashMap<>();

    /**
     * @param windowStartMs   store time from which earlier re-puts are looked for
     * @param suspectBeforeMs entries firing before this may have been re-put already
     */
    RedeliveryGuard(MessageStore store, long windowStartMs, long suspectBeforeMs) {
        this.store = store;
        this.windowStartMs = windowStartMs;
        this.suspectBeforeMs = suspectBeforeMs;
    }

    boolean isSuspect(long fireAtMs) {
        return fireAtMs < suspectBeforeMs;
    }

    long suspectBeforeMs() {
        return suspectBeforeMs;
    }

    /** Whether a re-put of the timer record at {@code sourceOffset} is already in {@code topic}/{@code queueId}. */
    boolean alreadyStored(String topic, int queueId, long sourceOffset) {
        return seenByQueue.computeIfAbsent(MessageRecord.topicQueueKey(topic, queueId), k -> scan(topic, queueId))
                .contains(sourceOffset);
    }

    private Set<Long> scan(String topic, int queueId) {
        Set<Long> seen = new HashSet<>();
        long offset = store.queueOffsetByTime(topic, queueId, windowStartMs);
        long max = store.maxQueueOffset(topic, queueId);
        long first = offset;
        while (offset < max) {
            GetResult r = store.getMessages(topic, queueId, offset, READ_BATCH, READ_BATCH_BYTES, null);
            for (StoredMessage m : r.messages()) {
                String source = m.property(TimerRecords.SOURCE_OFFSET_PROPERTY);
                if (source != null) {
                    try {
                        seen.add(Long.parseLong(source));
                    } catch (NumberFormatException e) {
                        // a user property of the same name; not ours
                    }
                }
            }
            if (r.nextBeginOffset() <= offset) {
                break;
            }
            offset = r.nextBeginOffset();
        }
        log.info("redelivery check of {}-{}: {} earlier re-put(s) among queue offsets [{}, {})", topic, queueId,
                seen.size(), first, max);
        return seen;
    }
}
