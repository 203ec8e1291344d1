package io.tidemq.broker.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long a failed message waits before its n-th redelivery: broker key {@code retryBackoffSchedule}, a list of
 * durations such as {@code "10s 30s 1m 2m"} (units {@code ms}, {@code s}, {@code m}, {@code h}; separated by
 * spaces or commas). The n-th retry (reconsumeTimes = n) waits the n-th entry; retries past the end of the
 * list wait the last one. Immutable.
 */
public final class RetryBackoffSchedule {

    /** The default: 16 steps from 10 seconds to 2 hours, like RocketMQ's retry levels. */
    public static final String DEFAULT = "10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";
    public static final int MAX_STEPS = 64;
    public static final long MAX_STEP_MS = TimeUnit.DAYS.toMillis(7);
    private static final String KEY = "retryBackoffSchedule";

    private final long[] delaysMs;
    private final String text;

    private RetryBackoffSchedule(long[] delaysMs, String text) {
        this.delaysMs = delaysMs;
        this.text = text;
    }

    /**
     * Parses a schedule.
     *
     * @throws BrokerConfigException naming the key, the bad entry and the allowed form
     */
    public static RetryBackoffSchedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BrokerConfigException(KEY + " is empty; give at least one duration, e.g. \"" + DEFAULT + "\"");
        }
        String[] parts = text.trim().split("[\\s,]+");
        if (parts.length > MAX_STEPS) {
            throw new BrokerConfigException(KEY + " has " + parts.length + " entries; at most " + MAX_STEPS
                    + " are allowed (later retries reuse the last one)");
        }
        long[] delays = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            delays[i] = parseDuration(parts[i]);
        }
        return new RetryBackoffSchedule(delays, String.join(" ", parts));
    }

    public static RetryBackoffSchedule defaults() {
        return parse(DEFAULT);
    }

    private static long parseDuration(String entry) {
        int unitStart = 0;
        while (unitStart < entry.length() && Character.isDigit(entry.charAt(unitStart))) {
            unitStart++;
        }
        long multiplier = switch (entry.substring(unitStart)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> -1L;
        };
        if (unitStart == 0 || unitStart > 12 || multiplier < 0) {
            throw new BrokerConfigException(KEY + " entry '" + entry + "' is not a duration; write a whole number"
                    + " followed by ms, s, m or h, e.g. 500ms, 10s, 1m, 2h");
        }
        long ms = Long.parseLong(entry.substring(0, unitStart)) * multiplier;
        if (ms < 1 || ms > MAX_STEP_MS) {
            throw new BrokerConfigException(KEY + " entry '" + entry + "' is out of range; each delay must be in [1ms, "
                    + TimeUnit.MILLISECONDS.toHours(MAX_STEP_MS) + "h]");
        }
        return ms;
    }

    /** The wait before the redelivery whose count is {@code reconsumeTimes} (1 for the first retry). */
    public long delayMs(int reconsumeTimes) {
        int index = Math.max(0, Math.min(reconsumeTimes - 1, delaysMs.length - 1));
        return delaysMs[index];
    }

    /** The longest step. */
    public long longestDelayMs() {
        long max = 0;
        for (long d : delaysMs) {
            max = Math.max(max, d);
        }
        return max;
    }

    public int steps() {
        return delaysMs.length;
    }

    /** Every step, in milliseconds. */
    public List<Long> delaysMs() {
        List<Long> out = new ArrayList<>(delaysMs.length);
        for (long d : delaysMs) {
            out.add(d);
        }
        return Collections.unmodifiableList(out);
    }

    /** The schedule as configured (entries separated by one space). */
    @Override
    public String toString() {
        return text;
    }
}
