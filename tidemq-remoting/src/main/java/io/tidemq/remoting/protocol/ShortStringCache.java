package io.tidemq.remoting.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reuses the {@code String}s of short ASCII header text that repeats from frame to frame (field names, topic,
 * group, small numbers), so decoding a frame does not allocate and re-hash them every time. A two-way
 * set-associative table of {@value #SETS} sets: a hit returns the cached instance; a miss decodes the bytes,
 * puts them first in their set and moves the set's first entry to its second place, so two texts that share a
 * set (or one that repeats while one-off text passes through the set) both stay.
 *
 * <p>Sized for a broker serving a few thousand topics (two caches of 16 384 references each, 64 KiB apiece with
 * compressed references): 1 250 topic names sent round-robin (the many-queues benchmark of issue 10) overflowed
 * the former 512 direct-mapped slots, so every send decoded its topic again.
 * Decimal text of more than {@value #MAX_CACHED_DECIMAL_BYTES} digits (timestamps, offsets, ids) never repeats and
 * bypasses the table instead of evicting text that does.
 *
 * <p>Thread-safe without locks: slots are read and written racily by every thread that reads header fields, which
 * is safe because a {@code String} is immutable and published through its final fields; a lost update only costs
 * a later miss.
 */
final class ShortStringCache {

    /** Text longer than this is decoded without the cache (ids and property lists rarely repeat). */
    static final int MAX_CACHED_BYTES = 32;
    /** Decimal text longer than this (a timestamp, an offset) is decoded without the cache. */
    static final int MAX_CACHED_DECIMAL_BYTES = 4;
    static final int SETS = 8192;

    /** Set {@code s} is slots {@code 2s} (most recently filled) and {@code 2s + 1}. Racy by design, see above. */
    private final String[] slots = new String[2 * SETS];

    /** The {@code length} bytes of {@code bytes} from {@code start} as UTF-8 text. */
    String get(byte[] bytes, int start, int length) {
        if (length > MAX_CACHED_BYTES) {
            return new String(bytes, start, length, StandardCharsets.UTF_8);
        }
        int hash = 0;
        boolean decimal = true;
        for (int i = start; i < start + length; i++) {
            byte b = bytes[i];
            if (b < 0) {
                return new String(bytes, start, length, StandardCharsets.UTF_8);
            }
            decimal &= b >= '0' && b <= '9';
            hash = 31 * hash + b;
        }
        if (decimal && length > MAX_CACHED_DECIMAL_BYTES) {
            return new String(bytes, start, length, StandardCharsets.US_ASCII);
        }
        int first = ((hash ^ (hash >>> 16)) & (SETS - 1)) << 1;
        String cached = slots[first];
        if (cached != null && sameAscii(cached, bytes, start, length)) {
            return cached;
        }
        String second = slots[first + 1];
        if (second != null && sameAscii(second, bytes, start, length)) {
            return second;
        }
        String decoded = new String(bytes, start, length, StandardCharsets.US_ASCII);
        slots[first + 1] = cached;
        slots[first] = decoded;
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
