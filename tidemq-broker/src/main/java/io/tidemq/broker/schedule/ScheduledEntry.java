package io.tidemq.broker.schedule;

/**
 * A timer log entry loaded into the in-memory wheel: what to deliver, when, and whose progress to report to.
 * About 56 bytes, plus the wheel's own ~48 per task; at most {@code timerMaxInFlight} exist at once.
 */
final class ScheduledEntry implements Runnable {

    final long commitLogOffset;
    final int sizeBytes;
    final long fireAtMs;
    final boolean roll;
    /** Could have been re-put before the last restart: check the {@link RedeliveryGuard} before putting. */
    final boolean suspect;
    final SlotProgress progress;
    private final TimerDelivery delivery;
    /**
     * Re-puts of this entry that failed so far. Only the delivery thread running the entry touches it, and an
     * entry runs again only after its previous attempt rescheduled it (the wheel hand-off orders the accesses).
     */
    int failedAttempts;

    ScheduledEntry(long commitLogOffset, int sizeBytes, long fireAtMs, boolean roll, boolean suspect,
                   SlotProgress progress, TimerDelivery delivery) {
        this.commitLogOffset = commitLogOffset;
        this.sizeBytes = sizeBytes;
        this.fireAtMs = fireAtMs;
        this.roll = roll;
        this.suspect = suspect;
        this.progress = progress;
        this.delivery = delivery;
    }

    /** Runs on the delivery executor when due. */
    @Override
    public void run() {
        delivery.deliver(this);
    }

    @Override
    public String toString() {
        return "ScheduledEntry[offset=" + commitLogOffset + ", fireAt=" + fireAtMs + (roll ? ", roll" : "") + "]";
    }
}
