package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;
import io.tidemq.common.protocol.header.HeaderCodec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static io.tidemq.remoting.protocol.FrameLayout.MAX_FIELD_COUNT;
import static io.tidemq.remoting.protocol.FrameLayout.MAX_KEY_BYTES;

/**
 * Header fields encoded once into their wire bytes, for a request whose fields repeat (a producer's
 * SEND_MESSAGE: group, topic, properties, timestamps are the same on every attempt and only the queue id
 * changes). {@link FrameCodec#encode} copies the bytes as they are instead of encoding a field map per send.
 *
 * <p>Layout, per field, as the fields of {@link FrameLayout}: key length (2 bytes, unsigned), key (UTF-8),
 * value length (4 bytes), value (UTF-8). {@link #count()} fields follow each other with nothing in between.
 *
 * <p>Immutable and thread-safe: the bytes are never written after {@link Builder#build()}.
 */
public final class EncodedFields implements HeaderCodec.FieldSource {

    /** Field names and short values repeat on every request of a kind; separate tables so values do not evict names. */
    private static final ShortStringCache FIELD_NAMES = new ShortStringCache();
    private static final ShortStringCache FIELD_VALUES = new ShortStringCache();

    /** Enough for a SEND_MESSAGE header with a few properties, so building one rarely grows the array. */
    private static final int INITIAL_BUILDER_BYTES = 256;
    private static final byte[] EMPTY = new byte[0];

    /**
     * The fields' wire bytes in {@code [0, length)}, then {@code tail} (the fields added by {@link #plus}, or
     * empty); never written after construction, and {@code bytes} is shared by every {@code plus} of one base.
     */
    private final byte[] bytes;
    private final int length;
    private final byte[] tail;
    private final int count;

    private EncodedFields(byte[] bytes, int length, byte[] tail, int count) {
        this.bytes = bytes;
        this.length = length;
        this.tail = tail;
        this.count = count;
    }

    public static Builder builder() {
        return builder(INITIAL_BUILDER_BYTES);
    }

    /** A builder whose first array holds {@code expectedBytes} (sized right, building allocates nothing else). */
    public static Builder builder(int expectedBytes) {
        return new Builder(new byte[Math.max(16, expectedBytes)], 0, 0);
    }

    /** Bytes one field takes when its name and value are ASCII (an estimate for {@link #builder(int)}). */
    public static int asciiFieldBytes(String name, int valueChars) {
        return 2 + name.length() + 4 + valueChars;
    }

    /** How many fields the bytes hold. */
    public int count() {
        return count;
    }

    /** Encoded size in bytes. */
    public int sizeBytes() {
        return length + tail.length;
    }

    /** Writes the fields' wire bytes to {@code out}. */
    void writeTo(ByteBuf out) {
        out.writeBytes(bytes, 0, length);
        out.writeBytes(tail);
    }

    /**
     * These fields and one more int field: one exactly sized array copy, no map and no re-encoding of the others
     * (the per-attempt queue id of a send).
     *
     * @throws FrameTooLargeException when the name exceeds 65 535 UTF-8 bytes or there would be more than
     *                                65 535 fields
     */
    public EncodedFields plus(String name, int value) {
        if (tail.length > 0) {
            // rare (a plus of a plus): fold the tail in first, so a field set never has more than one
            byte[] joined = Arrays.copyOf(bytes, length + tail.length);
            System.arraycopy(tail, 0, joined, length, tail.length);
            return new EncodedFields(joined, joined.length, EMPTY, count).plus(name, value);
        }
        // the base bytes are shared, only the new field is written: exact for the ASCII names header fields have
        Builder b = new Builder(new byte[asciiFieldBytes(name, 11)], 0, count);
        b.putDecimal(name, value);
        return new EncodedFields(bytes, length, Arrays.copyOf(b.buf, b.size), b.count);
    }

    /**
     * The fields of a frame read off the wire: {@code bytes} holds exactly {@code count} fields in the layout
     * above, already checked by {@link FrameCodec#decode}; kept, not copied.
     */
    static EncodedFields ofWire(byte[] bytes, int count) {
        return new EncodedFields(bytes, bytes.length, EMPTY, count);
    }

    /** Hands each field to {@code sink} in order, names and values as {@code String}s (short ones shared). */
    @Override
    public void forEachField(HeaderCodec.FieldSink sink) {
        int p = forEachIn(bytes, length, 0, count, sink);
        forEachIn(tail, tail.length, p, count, sink);
    }

    /** Reads fields from {@code bytes[0, end)} until {@code count} fields in all were read; returns how many that is. */
    private static int forEachIn(byte[] bytes, int end, int done, int count, HeaderCodec.FieldSink sink) {
        int p = 0;
        int i = done;
        while (i < count && p < end) {
            int keyLength = ((bytes[p] & 0xFF) << 8) | (bytes[p + 1] & 0xFF);
            p += 2;
            String key = keyLength == 0 ? "" : FIELD_NAMES.get(bytes, p, keyLength);
            p += keyLength;
            int valueLength = ((bytes[p] & 0xFF) << 24) | ((bytes[p + 1] & 0xFF) << 16) | ((bytes[p + 2] & 0xFF) << 8)
                    | (bytes[p + 3] & 0xFF);
            p += 4;
            sink.field(key, valueLength == 0 ? "" : FIELD_VALUES.get(bytes, p, valueLength));
            p += valueLength;
            i++;
        }
        return i;
    }

    /**
     * Where the value of the last field named {@code name} lies, for a read by name without a map: {@code -1} when
     * there is none, else the array ({@code tail} when bit 62 is set, else {@code bytes}), the value's start (bits
     * 32-61: frames are at most 1 GiB) and its length (bits 0-31). {@link #NOT_ASCII} when the name is not ASCII
     * (the caller reads through a map then).
     */
    long find(String name) {
        int n = name.length();
        for (int i = 0; i < n; i++) {
            if (name.charAt(i) >= 0x80) {
                return NOT_ASCII;
            }
        }
        // the tail's fields follow the others: a name found there is the later one
        long inTail = findIn(tail, tail.length, name, TAIL_BIT);
        return inTail >= 0 ? inTail : findIn(bytes, length, name, 0L);
    }

    private static final long TAIL_BIT = 1L << 62;

    /** {@link #decimalAt}'s answer for a value that is not plain decimal (no 18-digit number is this). */
    static final long NOT_DECIMAL = Long.MIN_VALUE;

    /** {@link #find}'s answer for a name that is not ASCII. */
    static final long NOT_ASCII = -2;

    private static long findIn(byte[] bytes, int end, String name, long arrayBit) {
        long found = -1;
        int p = 0;
        int n = name.length();
        while (p < end) {
            int keyLength = ((bytes[p] & 0xFF) << 8) | (bytes[p + 1] & 0xFF);
            p += 2;
            boolean same = keyLength == n;
            for (int i = 0; same && i < n; i++) {
                same = bytes[p + i] == name.charAt(i);
            }
            p += keyLength;
            int valueLength = ((bytes[p] & 0xFF) << 24) | ((bytes[p + 1] & 0xFF) << 16) | ((bytes[p + 2] & 0xFF) << 8)
                    | (bytes[p + 3] & 0xFF);
            p += 4;
            if (same) {
                found = arrayBit | ((long) p << 32) | valueLength;
            }
            p += valueLength;
        }
        return found;
    }

    /** The value {@link #find} located, as a {@code String} (short ones shared). */
    String valueAt(long at) {
        byte[] array = (at & TAIL_BIT) != 0 ? tail : bytes;
        int start = (int) ((at >>> 32) & 0x3FFF_FFFF);
        int valueLength = (int) at;
        return valueLength == 0 ? "" : FIELD_VALUES.get(array, start, valueLength);
    }

    /**
     * The value {@link #find} located as a decimal number read from its bytes (no {@code String}), or
     * {@link #NOT_DECIMAL} when it is not plain ASCII decimal of at most 18 digits (the caller parses the text then).
     */
    long decimalAt(long at) {
        byte[] array = (at & TAIL_BIT) != 0 ? tail : bytes;
        int p = (int) ((at >>> 32) & 0x3FFF_FFFF);
        int end = p + (int) at;
        boolean negative = p < end && array[p] == '-';
        if (negative) {
            p++;
        }
        if (p == end || end - p > 18) {
            return NOT_DECIMAL;
        }
        long v = 0;
        for (; p < end; p++) {
            int d = array[p] - '0';
            if (d < 0 || d > 9) {
                return NOT_DECIMAL;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    /**
     * Puts every field into {@code into}, except names it held already (a field put in the map wins); of two
     * fields of one name here, the later wins, as when a frame's fields are read into a map.
     */
    void copyInto(Map<String, String> into) {
        Set<String> held = into.isEmpty() ? Set.of() : new HashSet<>(into.keySet());
        forEachField((name, value) -> {
            if (!held.contains(name)) {
                into.put(name, (String) value);
            }
        });
    }

    /** Builds an {@link EncodedFields}; one thread, then discarded. */
    public static final class Builder {

        private byte[] buf;
        private int size;
        private int count;

        private Builder(byte[] buf, int size, int count) {
            this.buf = buf;
            this.size = size;
            this.count = count;
        }

        /**
         * Adds a field; a {@code null} value is skipped (as a null header component is).
         *
         * @throws FrameTooLargeException when the name exceeds 65 535 UTF-8 bytes or there would be more
         *                                than 65 535 fields
         */
        public Builder put(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value == null) {
                return this;
            }
            startField(name);
            putValue(value);
            return this;
        }

        public Builder put(String name, long value) {
            return putDecimal(name, value);
        }

        public Builder put(String name, int value) {
            return putDecimal(name, value);
        }

        /** A number in decimal, written straight into the array (no String per value). */
        private Builder putDecimal(String name, long value) {
            if (value == Long.MIN_VALUE) {
                return put(name, Long.toString(value));
            }
            startField(name);
            int digits = 1;
            for (long v = Math.abs(value); v >= 10; v /= 10) {
                digits++;
            }
            int chars = value < 0 ? digits + 1 : digits;
            ensure(4 + chars);
            buf[size++] = 0;
            buf[size++] = 0;
            buf[size++] = 0;
            buf[size++] = (byte) chars;
            if (value < 0) {
                buf[size] = '-';
            }
            int end = size + chars;
            long v = Math.abs(value);
            for (int i = end - 1; i >= end - digits; i--) {
                buf[i] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            size = end;
            return this;
        }

        public Builder put(String name, boolean value) {
            return put(name, value ? "true" : "false");
        }

        /** Checks the field limits and writes the key with its length. */
        private void startField(String name) {
            if (count == MAX_FIELD_COUNT) {
                throw new FrameTooLargeException("more than " + MAX_FIELD_COUNT + " header fields do not fit a frame");
            }
            int keyLengthAt = size;
            ensure(2);
            size += 2;
            int keyBytes = putUtf8(name);
            if (keyBytes > MAX_KEY_BYTES) {
                throw new FrameTooLargeException("header field name of " + keyBytes + " bytes exceeds "
                        + MAX_KEY_BYTES + " bytes");
            }
            buf[keyLengthAt] = (byte) (keyBytes >>> 8);
            buf[keyLengthAt + 1] = (byte) keyBytes;
            count++;
        }

        private void putValue(String value) {
            int valueLengthAt = size;
            ensure(4);
            size += 4;
            int valueBytes = putUtf8(value);
            buf[valueLengthAt] = (byte) (valueBytes >>> 24);
            buf[valueLengthAt + 1] = (byte) (valueBytes >>> 16);
            buf[valueLengthAt + 2] = (byte) (valueBytes >>> 8);
            buf[valueLengthAt + 3] = (byte) valueBytes;
        }

        /** Writes {@code s} as UTF-8 and returns its byte count: ASCII char by char, anything else through the JDK. */
        private int putUtf8(String s) {
            int n = s.length();
            ensure(n);
            int start = size;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    size = start;
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    ensure(utf8.length);
                    System.arraycopy(utf8, 0, buf, size, utf8.length);
                    size += utf8.length;
                    return utf8.length;
                }
                buf[size++] = (byte) c;
            }
            return n;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        /** The fields so far; the builder must not be used afterwards (its array becomes the result's). */
        public EncodedFields build() {
            EncodedFields built = new EncodedFields(buf, size, EMPTY, count);
            buf = null;
            return built;
        }
    }
}
