package io.tidemq.broker.schedule;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivery progress of one slot: the slot is delivered once all of it is loaded and nothing loaded is outstanding.
 */
final class SlotProgress {

    final long slotTimeMs;
    /** Loaded and not yet delivered (or given up); incremented by the scan thread, decremented by deliveries. */
    final AtomicInteger outstanding = new AtomicInteger();
    /** Every entry of the slot has been handed to the wheel. Scan thread only. */
    boolean loadedAll;

    SlotProgress(long slotTimeMs, boolean loadedAll) {
        this.slotTimeMs = slotTimeMs;
        this.loadedAll = loadedAll;
    }

    boolean isDelivered() {
        return loadedAll && outstanding.get() == 0;
    }
}
