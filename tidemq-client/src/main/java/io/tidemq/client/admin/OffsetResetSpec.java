package io.tidemq.client.admin;

import io.tidemq.client.InvalidArgumentException;

import java.time.Duration;
import java.util.Map;

/**
 * Where {@code admin group reset-offsets} moves a group's offsets, queue by queue.
 *
 * @param kind    how the new offset of each queue is found
 * @param value   the offset ({@link Kind#OFFSET}), epoch millis ({@link Kind#TIME}), milliseconds back from now
 *                ({@link Kind#DURATION}) or the signed shift ({@link Kind#SHIFT}); unused otherwise
 * @param offsets for {@link Kind#FILE}: {@code brokerName#queueId} → offset; queues not listed keep their offset
 */
public record OffsetResetSpec(Kind kind, long value, Map<String, Long> offsets) {

    /** How the new offsets are chosen. Every new offset is kept within the queue's [min, max]. */
    public enum Kind {
        /** The oldest message still kept: the group consumes everything again. */
        EARLIEST,
        /** The queue's end: the group skips everything stored so far. */
        LATEST,
        /** The same offset on every queue. */
        OFFSET,
        /** The first message stored at or after a time. */
        TIME,
        /** The first message stored at or after now minus a duration. */
        DURATION,
        /** The committed offset (the queue's minimum where none is committed) plus or minus N. */
        SHIFT,
        /** Offsets listed per queue (a file written by {@code --export}, or by hand). */
        FILE
    }

    public OffsetResetSpec {
        if (kind == null) {
            throw new InvalidArgumentException("give how to reset: earliest, latest, offset, time, duration, shift or file");
        }
        if (kind == Kind.OFFSET && value < 0) {
            throw new InvalidArgumentException("the offset to reset to must be >= 0, was " + value);
        }
        if (kind == Kind.DURATION && value < 0) {
            throw new InvalidArgumentException("the duration to go back must not be negative, was " + value + " ms");
        }
        offsets = offsets == null ? Map.of() : Map.copyOf(offsets);
        if (kind == Kind.FILE && offsets.isEmpty()) {
            throw new InvalidArgumentException("the offsets file lists no queue");
        }
    }

    public static OffsetResetSpec earliest() {
        return new OffsetResetSpec(Kind.EARLIEST, 0, null);
    }

    public static OffsetResetSpec latest() {
        return new OffsetResetSpec(Kind.LATEST, 0, null);
    }

    public static OffsetResetSpec offset(long offset) {
        return new OffsetResetSpec(Kind.OFFSET, offset, null);
    }

    public static OffsetResetSpec time(long epochMs) {
        return new OffsetResetSpec(Kind.TIME, epochMs, null);
    }

    public static OffsetResetSpec duration(Duration back) {
        return new OffsetResetSpec(Kind.DURATION, back.toMillis(), null);
    }

    public static OffsetResetSpec shift(long by) {
        return new OffsetResetSpec(Kind.SHIFT, by, null);
    }

    /** @param offsets {@code brokerName#queueId} → offset */
    public static OffsetResetSpec file(Map<String, Long> offsets) {
        return new OffsetResetSpec(Kind.FILE, 0, offsets);
    }

    /** The key of a queue in {@link #offsets()}. */
    public static String queueKey(String brokerName, int queueId) {
        return brokerName + "#" + queueId;
    }
}
