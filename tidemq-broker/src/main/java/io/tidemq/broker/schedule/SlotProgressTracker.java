package io.tidemq.broker.schedule;

import java.util.Map;
import java.util.TreeMap;

/**
 * The slots loaded but not yet delivered, in time order; the first of them is the delivered cursor. Scan thread
 * only (deliveries touch a {@link SlotProgress}'s counter, never this map).
 */
final class SlotProgressTracker {

    private final TreeMap<Long, SlotProgress> open = new TreeMap<>();

    /** Starts loading slot {@code slotTimeMs} from the timer log. */
    SlotProgress startLoading(long slotTimeMs) {
        SlotProgress p = new SlotProgress(slotTimeMs, false);
        SlotProgress previous = open.put(slotTimeMs, p);
        if (previous != null) {
            throw new IllegalStateException("slot " + slotTimeMs + " is loaded twice");
        }
        return p;
    }

    /** The progress of an already loaded slot that receives an entry directly (indexed after its load). */
    SlotProgress forDirectEntry(long slotTimeMs) {
        return open.computeIfAbsent(slotTimeMs, t -> new SlotProgress(t, true));
    }

    /**
     * Every slot before the returned time is delivered: the first slot still open, or {@code nextLoadSlotMs}
     * when none is. Drops the delivered slots at the head.
     */
    long cursor(long nextLoadSlotMs) {
        Map.Entry<Long, SlotProgress> first;
        while ((first = open.firstEntry()) != null) {
            if (!first.getValue().isDelivered()) {
                return first.getKey();
            }
            open.pollFirstEntry();
        }
        return nextLoadSlotMs;
    }

    int openSlots() {
        return open.size();
    }
}
