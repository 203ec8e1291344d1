package io.tidemq.common.message;

import io.tidemq.common.net.HostAddress;

import java.net.InetSocketAddress;

/**
 * The broker-assigned message id: 16 bytes, store host IPv4 (4) + port (4) + CommitLog offset (8), big-endian,
 * written as 32 upper-case hexadecimal characters (docs/storage-format.md, "Message id"). Whoever holds an id
 * can find the record without an index: the host names the broker, the offset the record. An IPv6-only store
 * host is written as address 0. The store encodes ids, the broker and the admin client decode them.
 *
 * @param storeHostIpv4  the store host's IPv4 address as a big-endian int; 0 when it stored over IPv6 only
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
     * @throws MalformedMessageIdException when the id is null, not 32 characters, not hexadecimal, or names a
     *                                     port above 65535 or a negative offset
     */
    public static MessageId decode(String id) {
        if (id == null || id.length() != TEXT_LENGTH) {
            throw new MalformedMessageIdException("message id " + (id == null ? "null" : "'" + id + "'")
                    + " is malformed: a broker-assigned id is " + TEXT_LENGTH + " hexadecimal characters (store"
                    + " host, port, CommitLog offset), as produce and consume print it; to find a message by its"
                    + " business key, query by key and topic instead");
        }
        long ip = readHex(id, 0, 8);
        long port = readHex(id, 8, 8);
        long offset = readHex(id, 16, 16);
        if (port > 0xFFFF) {
            throw new MalformedMessageIdException("message id '" + id + "' is malformed: its port field is " + port
                    + ", above 65535");
        }
        if (offset < 0) {
            throw new MalformedMessageIdException("message id '" + id + "' is malformed: negative CommitLog offset");
        }
        return new MessageId((int) ip, (int) port, offset);
    }

    private static long readHex(String id, int from, int digits) {
        long value = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(id.charAt(i), 16);
            if (d < 0) {
                throw new MalformedMessageIdException("message id '" + id + "' is malformed: '" + id.charAt(i)
                        + "' at index " + i + " is not a hexadecimal digit");
            }
            value = (value << 4) | d;
        }
        return value;
    }

    public InetSocketAddress storeHost() {
        return HostAddress.fromIpv4(storeHostIpv4, storePort);
    }

    /** {@code ip:port} of the broker that stored the message, e.g. {@code 10.0.0.5:10911}. */
    public String storeHostText() {
        int ip = storeHostIpv4;
        return ((ip >>> 24) & 0xFF) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF)
                + ":" + storePort;
    }

    /** Whether the id names a reachable IPv4 store host (not the IPv6-only placeholder 0.0.0.0, not port 0). */
    public boolean hasStoreHost() {
        return storeHostIpv4 != 0 && storePort > 0;
    }

    @Override
    public String toString() {
        return encode(storeHostIpv4, storePort, physicalOffset);
    }
}
