package io.tidemq.store.api.timer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One entry of the timer log: a scheduled message, where it waits (its slot) and where the message itself is.
 * Every entry is {@value #BYTES} bytes, big-endian:
 *
 * <pre>
 * offset size field
 *      0    4 magic            {@value #MAGIC_TEXT} (0 marks the unwritten end of a segment)
 *      4    4 flags            bit 0: ROLL (re-put into the timer topic when the slot is due, not delivered)
 *                              bit 1: DROPPED (its CommitLog record was lost; never linked into a slot again)
 *      8    8 deliverAtMs      when the message is due in its real topic, epoch ms
 *     16    8 slotTimeMs       start of the slot holding the entry, epoch ms (a multiple of the precision)
 *     24    8 commitLogOffset  physical offset of the TIDEMQ_SYS_TIMER record
 *     32    8 prevPosition     timer log position of the previous entry of the same slot, -1 for none
 *     40    4 sizeBytes        size of the TIDEMQ_SYS_TIMER record
 *     44    4 crc              CRC32C of bytes [0, 44)
 * </pre>
 *
 * @param deliverAtMs     due time in the real topic, epoch ms
 * @param slotTimeMs      start of the slot the entry is linked into
 * @param commitLogOffset physical offset of the scheduled message in the CommitLog
 * @param sizeBytes       record size of the scheduled message
 * @param flags           {@link #FLAG_ROLL}, {@link #FLAG_DROPPED} or 0
 * @param prevPosition    previous entry of the same slot, or {@link #NO_POSITION}
 */
public record TimerLogRecord(long deliverAtMs, long slotTimeMs, long commitLogOffset, int sizeBytes, int flags,
                             long prevPosition) {

    public static final int BYTES = 48;
    public static final int MAGIC = 0x54494D31;
    static final String MAGIC_TEXT = "TIM1";
    public static final int FLAG_ROLL = 1;
    /**
     * Set by recovery on an entry whose CommitLog record lies past the recovered CommitLog end: another record
     * may later land at the same offset, and must not be delivered at this entry's time (storage-audit #8).
     */
    public static final int FLAG_DROPPED = 2;
    public static final long NO_POSITION = -1;

    static final int MAGIC_OFFSET = 0;
    static final int FLAGS_OFFSET = 4;
    static final int DELIVER_AT_OFFSET = 8;
    static final int SLOT_TIME_OFFSET = 16;
    static final int COMMIT_LOG_OFFSET_OFFSET = 24;
    static final int PREV_POSITION_OFFSET = 32;
    static final int SIZE_OFFSET = 40;
    static final int CRC_OFFSET = 44;

    /** Re-put into the timer topic when the slot is due (the message outlives CommitLog retention this way). */
    public boolean isRoll() {
        return (flags & FLAG_ROLL) != 0;
    }

    /** Dropped by recovery: see {@link #FLAG_DROPPED}. */
    public boolean isDropped() {
        return (flags & FLAG_DROPPED) != 0;
    }

    /** This entry linked behind {@code newPrevPosition} (the timer log rewrites links when it rebuilds a slot). */
    public TimerLogRecord withPrevPosition(long newPrevPosition) {
        return new TimerLogRecord(deliverAtMs, slotTimeMs, commitLogOffset, sizeBytes, flags, newPrevPosition);
    }

    /** This entry marked {@link #FLAG_DROPPED}. */
    public TimerLogRecord dropped() {
        return new TimerLogRecord(deliverAtMs, slotTimeMs, commitLogOffset, sizeBytes, flags | FLAG_DROPPED,
                prevPosition);
    }

    /** Writes the entry at {@code at} of {@code buf} (absolute puts; the buffer's position is untouched). */
    public void writeTo(ByteBuffer buf, int at) {
        buf.putInt(at + MAGIC_OFFSET, MAGIC);
        buf.putInt(at + FLAGS_OFFSET, flags);
        buf.putLong(at + DELIVER_AT_OFFSET, deliverAtMs);
        buf.putLong(at + SLOT_TIME_OFFSET, slotTimeMs);
        buf.putLong(at + COMMIT_LOG_OFFSET_OFFSET, commitLogOffset);
        buf.putLong(at + PREV_POSITION_OFFSET, prevPosition);
        buf.putInt(at + SIZE_OFFSET, sizeBytes);
        buf.putInt(at + CRC_OFFSET, crc(buf, at));
    }

    /** The entry at {@code at}, or null when none is written there (zero magic) or its CRC does not match. */
    public static TimerLogRecord readFrom(ByteBuffer buf, int at) {
        if (buf.getInt(at + MAGIC_OFFSET) != MAGIC || buf.getInt(at + CRC_OFFSET) != crc(buf, at)) {
            return null;
        }
        return new TimerLogRecord(buf.getLong(at + DELIVER_AT_OFFSET), buf.getLong(at + SLOT_TIME_OFFSET),
                buf.getLong(at + COMMIT_LOG_OFFSET_OFFSET), buf.getInt(at + SIZE_OFFSET),
                buf.getInt(at + FLAGS_OFFSET), buf.getLong(at + PREV_POSITION_OFFSET));
    }

    private static int crc(ByteBuffer buf, int at) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(at + CRC_OFFSET).position(at));
        return (int) crc.getValue();
    }
}
