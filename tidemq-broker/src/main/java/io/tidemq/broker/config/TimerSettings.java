package io.tidemq.broker.config;

import java.util.concurrent.TimeUnit;

/**
 * The broker's delayed-message keys, validated together (docs/configuration.md, "## Broker").
 *
 * @param enabled      timerEnable: accept delayed messages at all
 * @param maxDelayMs   timerMaxDelayMs: the longest delay accepted
 * @param precisionMs  timerPrecisionMs: width of one on-disk slot
 * @param lookAheadMs  timerLookAheadMs: slots due within this are loaded into the in-memory wheel
 * @param rollWindowMs timerRollWindowMs: a message due later than this after it was stored is re-put into the
 *                     timer topic ("rolled") at that point, so CommitLog retention never deletes it first
 * @param maxInFlight  timerMaxInFlight: most entries held in memory (loaded, not yet delivered) at once
 */
public record TimerSettings(boolean enabled, long maxDelayMs, long precisionMs, long lookAheadMs, long rollWindowMs,
                            int maxInFlight) {

    public static final long DEFAULT_MAX_DELAY_MS = TimeUnit.DAYS.toMillis(40);
    public static final long DEFAULT_PRECISION_MS = 1_000;
    public static final long DEFAULT_LOOK_AHEAD_MS = 3_000;
    public static final long DEFAULT_ROLL_WINDOW_MS = TimeUnit.DAYS.toMillis(1);
    public static final int DEFAULT_MAX_IN_FLIGHT = 100_000;
    /** Keeps the slot file (24 bytes a slot) under 240 MiB. */
    static final long MAX_SLOT_COUNT = 10_000_000;

    public TimerSettings {
        check("timerMaxDelayMs", maxDelayMs, 1_000, TimeUnit.DAYS.toMillis(365));
        check("timerPrecisionMs", precisionMs, 10, 60_000);
        check("timerLookAheadMs", lookAheadMs, precisionMs, 600_000);
        check("timerRollWindowMs", rollWindowMs, Math.max(1_000, precisionMs), TimeUnit.DAYS.toMillis(7));
        check("timerMaxInFlight", maxInFlight, 100, 10_000_000);
        if (slotCount(rollWindowMs, precisionMs) > MAX_SLOT_COUNT) {
            throw new BrokerConfigException("timerRollWindowMs / timerPrecisionMs = " + rollWindowMs / precisionMs
                    + " slots; at most " + MAX_SLOT_COUNT / 2 + " are allowed: raise timerPrecisionMs or lower"
                    + " timerRollWindowMs");
        }
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BrokerConfigException(key + " = " + value + " is out of range; allowed [" + min + ", " + max
                    + "]");
        }
    }

    private static long slotCount(long rollWindowMs, long precisionMs) {
        return 2 * (rollWindowMs / precisionMs) + 16;
    }

    /** The defaults listed in docs/configuration.md. */
    public static TimerSettings defaults() {
        return new TimerSettings(true, DEFAULT_MAX_DELAY_MS, DEFAULT_PRECISION_MS, DEFAULT_LOOK_AHEAD_MS,
                DEFAULT_ROLL_WINDOW_MS, DEFAULT_MAX_IN_FLIGHT);
    }

    /**
     * Slots in the on-disk ring: twice the roll window, because placements reach at most one roll window past
     * now and the other half lets delivery lag (a restart after downtime) without two live slots sharing a
     * position.
     */
    public int slotCount() {
        return (int) slotCount(rollWindowMs, precisionMs);
    }

    /**
     * Checks the roll window against CommitLog retention: a rolled message must be re-put before retention may
     * delete the previous copy.
     */
    public void checkAgainstRetention(int retentionHours) {
        long retentionMs = TimeUnit.HOURS.toMillis(retentionHours);
        if (enabled && rollWindowMs > retentionMs / 2) {
            throw new BrokerConfigException("timerRollWindowMs = " + rollWindowMs + " must be at most half of the"
                    + " CommitLog retention (retentionHours = " + retentionHours + ", i.e. " + retentionMs / 2
                    + " ms): lower timerRollWindowMs or raise retentionHours");
        }
    }
}
