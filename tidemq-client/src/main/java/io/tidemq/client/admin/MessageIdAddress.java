package io.tidemq.client.admin;

/**
 * Reads the store host out of a broker-assigned message id, so a lookup goes straight to the broker that
 * stored the message. The id is 32 hexadecimal characters: store host IPv4 (8), port (8), CommitLog offset
 * (16), big-endian (docs/storage-format.md, "Message id"). The store module owns the encoder; the client may
 * not depend on the store, so this reads the same layout independently.
 *
 * @param host           the store host's IPv4 address, dotted; {@code 0.0.0.0} when it stored over IPv6 only
 * @param port           the store host's port
 * @param physicalOffset the record's offset in that broker's CommitLog
 */
public record MessageIdAddress(String host, int port, long physicalOffset) {

    public static final int TEXT_LENGTH = 32;

    /** @throws InvalidMessageIdException when the id is not 32 hexadecimal characters with a valid port */
    public static MessageIdAddress parse(String msgId) {
        if (msgId == null || msgId.length() != TEXT_LENGTH) {
            throw new InvalidMessageIdException("message id " + (msgId == null ? "null" : "'" + msgId + "'")
                    + " is malformed: a broker-assigned id is " + TEXT_LENGTH + " hexadecimal characters (the msgId"
                    + " printed by produce or consume); to search by business key use --key and --topic");
        }
        long ip = hex(msgId, 0, 8);
        long port = hex(msgId, 8, 8);
        long offset = hex(msgId, 16, 16);
        if (port > 0xFFFF) {
            throw new InvalidMessageIdException("message id '" + msgId + "' is malformed: its port field is " + port
                    + ", above 65535");
        }
        if (offset < 0) {
            throw new InvalidMessageIdException("message id '" + msgId + "' is malformed: negative CommitLog offset");
        }
        String host = ((ip >>> 24) & 0xFF) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
        return new MessageIdAddress(host, (int) port, offset);
    }

    /** {@code host:port}, the broker address the id names. */
    public String address() {
        return host + ":" + port;
    }

    /** Whether the id names a usable IPv4 host (not the IPv6-only placeholder 0.0.0.0). */
    public boolean hasHost() {
        return !"0.0.0.0".equals(host) && port > 0;
    }

    private static long hex(String id, int from, int digits) {
        long value = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(id.charAt(i), 16);
            if (d < 0) {
                throw new InvalidMessageIdException("message id '" + id + "' is malformed: '" + id.charAt(i)
                        + "' at index " + i + " is not a hexadecimal digit");
            }
            value = (value << 4) | d;
        }
        return value;
    }
}
