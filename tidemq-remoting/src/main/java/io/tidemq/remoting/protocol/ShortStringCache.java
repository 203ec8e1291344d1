package io.tidemq.remoting.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reuses the {@code String}s of short ASCII header text that repeats from frame to frame (field names, topic,
 * group, small numbers), so decoding a frame does not allocate and re-hash them every time. A direct-mapped
 * table of {@value #SLOTS} slots: a miss decodes the bytes and takes the slot over, so text that never repeats
 * (timestamps, offsets) only costs a hash pass and evicts one slot; longer or non-ASCII text is never cached.
 *
 * <p>Thread-safe without locks: slots are read and written racily by every thread that reads header fields, which is safe because a
 * {@code String} is immutable and published through its final fields; a lost update only costs a later miss.
 */
final class ShortStringCache {

    /** Text longer than this is decoded without the cache (ids and property lists rarely repeat). */
    static final int MAX_CACHED_BYTES = 32;
    private static final int SLOTS = 512;

    /** Racy by design, see the class comment. */
    private final String[] slots = new String[SLOTS];

    /** The {@code length} bytes of {@code bytes} from {@code start} as UTF-8 text. */
    String get(byte[] bytes, int start, int length) {
        if (length > MAX_CACHED_BYTES) {
            return new String(bytes, start, length, StandardCharsets.UTF_8);
        }
        int hash = 0;
        for (int i = start; i < start + length; i++) {
            byte b = bytes[i];
            if (b < 0) {
                return new String(bytes, start, length, StandardCharsets.UTF_8);
            }
            hash = 31 * hash + b;
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        String cached = slots[slot];
        if (cached != null && sameAscii(cached, bytes, start, length)) {
            return cached;
        }
        String decoded = new String(bytes, start, length, StandardCharsets.US_ASCII);
        slots[slot] = decoded;
        return decoded;
    }

    private static boolean sameAscii(String s, byte[] bytes, int start, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != bytes[start + i]) {
                return false;
            }
        }
        return true;
    }
}
