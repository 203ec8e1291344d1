package io.tidemq.store;

import java.net.InetSocketAddress;

/**
 * The store-assigned message id: 16 bytes, store host IPv4 (4) + port (4) + physical offset (8), big-endian,
 * written as 32 upper-case hexadecimal characters. Whoever holds an id can find the record without an index:
 * the host names the broker, the offset the record. An IPv6-only store host is written as address 0.
 *
 * @param storeHostIpv4  the store host's IPv4 address as a big-endian int
 * @param storePort      the store host's port
 * @param physicalOffset the record's offset in that broker's CommitLog
 */
public record MessageId(int storeHostIpv4, int storePort, long physicalOffset) {

    public static final int BYTES = 16;
    public static final int TEXT_LENGTH = BYTES * 2;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public static String encode(InetSocketAddress storeHost, long physicalOffset) {
        return encode(HostAddress.ipv4(storeHost), storeHost.getPort(), physicalOffset);
    }

    public static String encode(int storeHostIpv4, int storePort, long physicalOffset) {
        char[] out = new char[TEXT_LENGTH];
        writeHex(out, 0, storeHostIpv4 & 0xFFFF_FFFFL, 8);
        writeHex(out, 8, storePort & 0xFFFF_FFFFL, 8);
        writeHex(out, 16, physicalOffset, 16);
        return new String(out);
    }

    private static void writeHex(char[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /**
     * Parses an id produced by {@link #encode}; either case of hex digits is accepted.
     *
     * @throws MalformedMessageIdException when the id is null, not 32 characters, or not hexadecimal
     */
    public static MessageId decode(String id) {
        if (id == null || id.length() != TEXT_LENGTH) {
            throw new MalformedMessageIdException("message id " + (id == null ? "null" : "'" + id + "'")
                    + " is malformed: expected " + TEXT_LENGTH + " hexadecimal characters (host, port, offset)");
        }
        long ip = readHex(id, 0, 8);
        long port = readHex(id, 8, 8);
        long offset = readHex(id, 16, 16);
        if (port > 0xFFFF) {
            throw new MalformedMessageIdException("message id '" + id + "' is malformed: port " + port
                    + " is above 65535");
        }
        if (offset < 0) {
            throw new MalformedMessageIdException("message id '" + id + "' is malformed: negative physical offset");
        }
        return new MessageId((int) ip, (int) port, offset);
    }

    private static long readHex(String id, int from, int digits) {
        long value = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(id.charAt(i), 16);
            if (d < 0) {
                throw new MalformedMessageIdException("message id '" + id + "' is malformed: character '"
                        + id.charAt(i) + "' at index " + i + " is not hexadecimal");
            }
            value = (value << 4) | d;
        }
        return value;
    }

    public InetSocketAddress storeHost() {
        return HostAddress.fromIpv4(storeHostIpv4, storePort);
    }

    @Override
    public String toString() {
        return encode(storeHostIpv4, storePort, physicalOffset);
    }
}
