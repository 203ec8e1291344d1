package io.tidemq.it.store;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Self-checking message bodies for the crash test. Layout (big-endian):
 * <pre>
 *   0  4  magic 0x43525348 ("CRSH")
 *   4  4  round
 *   8  4  writer thread
 *  12  8  sequence number within (round, thread)
 *  20  4  payload length L
 *  24  L  payload: pseudo-random bytes seeded by (round, thread, seq)
 *  24+L 4 CRC32C of bytes [0, 24+L)
 * </pre>
 * A body that passes {@link #check} was written whole by the appender; a torn, shifted or mixed copy fails
 * the CRC. (The store checks its own CRC over the record too; this one is independent of the store's code.)
 */
final class CrashBody {

    static final int MAGIC = 0x43525348;
    static final int OVERHEAD_BYTES = 28;

    private CrashBody() {
    }

    /** A body of exactly {@code totalBytes} (at least {@link #OVERHEAD_BYTES}). */
    static byte[] encode(int round, int thread, long seq, int totalBytes) {
        int payloadBytes = totalBytes - OVERHEAD_BYTES;
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("a crash body needs at least " + OVERHEAD_BYTES + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(totalBytes);
        b.putInt(MAGIC).putInt(round).putInt(thread).putLong(seq).putInt(payloadBytes);
        SplittableRandom payload = new SplittableRandom(payloadSeed(round, thread, seq));
        int i = 0;
        for (; i + Long.BYTES <= payloadBytes; i += Long.BYTES) {
            b.putLong(payload.nextLong());
        }
        for (; i < payloadBytes; i++) {
            b.put((byte) payload.nextInt(256));
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 24 + payloadBytes);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Null when the body is intact, otherwise why not. */
    static String check(byte[] body) {
        if (body.length < OVERHEAD_BYTES) {
            return "body of " + body.length + " bytes is shorter than the " + OVERHEAD_BYTES + "-byte frame";
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.getInt(0) != MAGIC) {
            return "bad body magic " + Integer.toHexString(b.getInt(0));
        }
        int payloadBytes = b.getInt(20);
        if (payloadBytes != body.length - OVERHEAD_BYTES) {
            return "payload length " + payloadBytes + " does not match body length " + body.length;
        }
        CRC32C crc = new CRC32C();
        crc.update(body, 0, 24 + payloadBytes);
        if ((int) crc.getValue() != b.getInt(24 + payloadBytes)) {
            return "body checksum mismatch";
        }
        return null;
    }

    /**
     * CRC32 (not the store's CRC32C) of the whole body and its length, as 16 lower-case hex digits: fixed
     * width, so a line cut short by the kill cannot parse.
     */
    static String hash(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return String.format("%08x%08x", crc.getValue(), body.length);
    }

    private static long payloadSeed(int round, int thread, long seq) {
        return ((long) round << 48) ^ ((long) thread << 40) ^ seq;
    }
}
