package io.tidemq.common.message;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Wire encodings of message lists (docs/protocol.md, "Message encodings"), big-endian:
 *
 * <pre>
 * batch entry (SEND_BATCH_MESSAGE body), repeated:
 *   int   entryLength   bytes after this field
 *   int   flag
 *   int   bodyLength    | body
 *   int   propertiesLength | properties (UTF-8, {@link MessageProperties} text)
 *
 * delivered message (PULL_MESSAGE response body, admin queries), repeated:
 *   int   entryLength   bytes after this field
 *   long  queueOffset | long commitLogOffset | int queueId | int sysFlag | int flag
 *   long  bornTimestampMs | long storeTimestampMs | int reconsumeTimes
 *   short length | msgId | short length | topic | short length | bornHost | short length | storeHost (UTF-8)
 *   int   propertiesLength | properties
 *   int   bodyLength | body
 * </pre>
 *
 * Every length is checked against what remains before anything is allocated; a violation throws
 * {@link MalformedMessageException}. Stateless and thread-safe.
 */
public final class MessageCodec {

    private static final int DELIVERED_FIXED_BYTES = 8 + 8 + 4 + 4 + 4 + 8 + 8 + 4 + 2 * 4 + 4 + 4;

    private MessageCodec() {
    }

    // ---- batches sent by a producer

    public static byte[] encodeBatch(List<Message> messages) {
        byte[][] props = new byte[messages.size()][];
        int total = 0;
        for (int i = 0; i < messages.size(); i++) {
            props[i] = MessageProperties.encode(messages.get(i).properties()).getBytes(StandardCharsets.UTF_8);
            total += batchEntryBytes(messages.get(i).body().length, props[i].length);
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            putBatchEntry(buf, m.flag(), m.body(), props[i]);
        }
        return buf.array();
    }

    /** Bytes of one batch entry with a body and encoded properties of these lengths, its own length field included. */
    public static int batchEntryBytes(int bodyLength, int propertiesLength) {
        return 4 + 4 + 4 + bodyLength + 4 + propertiesLength;
    }

    /** Writes one batch entry (the layout above) at {@code buf}'s position. */
    public static void putBatchEntry(ByteBuffer buf, int flag, byte[] body, byte[] properties) {
        buf.putInt(batchEntryBytes(body.length, properties.length) - 4);
        buf.putInt(flag);
        buf.putInt(body.length).put(body);
        buf.putInt(properties.length).put(properties);
    }

    /** Decodes a batch sent to {@code topic}; the topic is validated by {@link Message.Builder}. */
    public static List<Message> decodeBatch(String topic, byte[] encoded, int maxMessages) {
        List<Message> out = new ArrayList<>();
        forEachBatchEntry(encoded, maxMessages, (index, flag, batch, bodyOffset, bodyLength, properties) -> {
            byte[] body = java.util.Arrays.copyOfRange(batch, bodyOffset, bodyOffset + bodyLength);
            Message.Builder b = Message.builder(topic).body(body).flag(flag);
            MessageProperties.decode(properties).forEach(b::systemProperty);
            out.add(b.build());
        });
        return out;
    }

    /** One message of a batch as it was encoded; see {@link #forEachBatchEntry(byte[], int, BatchEntryVisitor)}. */
    @FunctionalInterface
    public interface BatchEntryVisitor {
        /**
         * @param batch      the whole encoded batch: the message's body is {@code bodyLength} bytes of it from
         *                   {@code bodyOffset}, not copied (a broker stores it from there)
         * @param properties the message's properties in their text encoding ({@link MessageProperties})
         */
        void entry(int index, int flag, byte[] batch, int bodyOffset, int bodyLength, String properties);
    }

    /** One message of a batch as it was encoded; see {@link #forEachBatchEntry(ByteBuffer, int, BufferEntryVisitor)}. */
    @FunctionalInterface
    public interface BufferEntryVisitor {
        /**
         * @param batch      the buffer holding the batch: the message's body is {@code bodyLength} bytes of it from
         *                   absolute index {@code bodyOffset}, not copied (a broker stores it from there)
         * @param properties the message's properties in their text encoding ({@link MessageProperties})
         */
        void entry(int index, int flag, ByteBuffer batch, int bodyOffset, int bodyLength, String properties);
    }

    /**
     * Hands each message of a batch to {@code visitor} in order, its properties still encoded (a broker can store
     * them as they came). The entries' lengths are checked before each is handed over.
     *
     * @throws MalformedMessageException a length that does not fit, a truncated batch, more than
     *                                   {@code maxMessages} messages
     */
    public static void forEachBatchEntry(byte[] encoded, int maxMessages, BatchEntryVisitor visitor) {
        forEachBatchEntry(ByteBuffer.wrap(encoded), maxMessages, (index, flag, batch, bodyOffset, bodyLength,
                                                                   properties) -> visitor.entry(index, flag, encoded,
                bodyOffset, bodyLength, properties));
    }

    /**
     * {@link #forEachBatchEntry(byte[], int, BatchEntryVisitor)} over the bytes from {@code encoded}'s position to
     * its limit, heap or direct (a broker reads a request's body where it was received). A body is handed over as its
     * absolute place in {@code encoded}, not copied.
     */
    public static void forEachBatchEntry(ByteBuffer encoded, int maxMessages, BufferEntryVisitor visitor) {
        ByteBuffer buf = encoded.order() == ByteOrder.BIG_ENDIAN ? encoded : encoded.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = buf.position();
        byte[] scratch = null; // a direct buffer's properties are copied here to be decoded, one array per batch
        int count = 0;
        try {
            while (buf.hasRemaining()) {
                if (count >= maxMessages) {
                    throw new MalformedMessageException("batch holds more than " + maxMessages + " messages; send smaller batches");
                }
                int entryLength = checkedLength(buf, base, "batch entry", 12);
                int end = buf.position() + entryLength;
                int flag = buf.getInt();
                int bodyLength = checkedLength(buf, base, "body", 0);
                checkFits(buf, base, bodyLength, end);
                int bodyOffset = buf.position();
                buf.position(bodyOffset + bodyLength);
                int propsLength = checkedLength(buf, base, "properties", 0);
                checkFits(buf, base, propsLength, end);
                String properties;
                if (buf.hasArray()) {
                    properties = new String(buf.array(), buf.arrayOffset() + buf.position(), propsLength,
                            StandardCharsets.UTF_8);
                } else {
                    if (scratch == null || scratch.length < propsLength) {
                        scratch = new byte[Math.max(propsLength, 256)];
                    }
                    buf.get(buf.position(), scratch, 0, propsLength);
                    properties = new String(scratch, 0, propsLength, StandardCharsets.UTF_8);
                }
                buf.position(buf.position() + propsLength);
                if (buf.position() != end) {
                    throw new MalformedMessageException("batch entry " + count + " length " + entryLength
                            + " does not match its fields");
                }
                visitor.entry(count++, flag, buf, bodyOffset, bodyLength, properties);
            }
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("batch is truncated after " + count + " messages");
        }
    }

    // ---- messages delivered to a consumer

    /** The number of bytes {@link #encodeDelivered} writes for a message with these parts. */
    public static int deliveredSize(byte[] msgId, byte[] topic, byte[] bornHost, byte[] storeHost, byte[] props, int bodyLength) {
        return 4 + DELIVERED_FIXED_BYTES + msgId.length + topic.length + bornHost.length + storeHost.length
                + props.length + bodyLength;
    }

    public static byte[] encodeDelivered(List<MessageExt> messages) {
        List<byte[][]> parts = new ArrayList<>(messages.size());
        int total = 0;
        for (MessageExt m : messages) {
            byte[][] p = parts(m);
            parts.add(p);
            total += deliveredSize(p[0], p[1], p[2], p[3], p[4], m.body().length);
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (int i = 0; i < messages.size(); i++) {
            encodeDelivered(messages.get(i), parts.get(i), buf);
        }
        return buf.array();
    }

    /** Encodes one delivered message into {@code buf}; the parts are from {@link #parts}. */
    public static void encodeDelivered(MessageExt m, byte[][] p, ByteBuffer buf) {
        buf.putInt(deliveredSize(p[0], p[1], p[2], p[3], p[4], m.body().length) - 4);
        buf.putLong(m.queueOffset()).putLong(m.commitLogOffset()).putInt(m.queueId()).putInt(m.sysFlag())
                .putInt(m.flag()).putLong(m.bornTimestampMs()).putLong(m.storeTimestampMs())
                .putInt(m.reconsumeTimes());
        for (int i = 0; i < 4; i++) {
            buf.putShort((short) p[i].length).put(p[i]);
        }
        buf.putInt(p[4].length).put(p[4]);
        buf.putInt(m.body().length).put(m.body());
    }

    /** The variable-length text parts of a delivered message: msgId, topic, bornHost, storeHost, properties. */
    public static byte[][] parts(MessageExt m) {
        return new byte[][] {
            utf8(m.msgId()), utf8(m.topic()), utf8(m.bornHost()), utf8(m.storeHost()),
            utf8(MessageProperties.encode(m.properties()))
        };
    }

    public static List<MessageExt> decodeDelivered(ByteBuffer buf) {
        List<MessageExt> out = new ArrayList<>();
        try {
            while (buf.hasRemaining()) {
                int entryLength = checkedLength(buf, "delivered message", DELIVERED_FIXED_BYTES);
                int end = buf.position() + entryLength;
                long queueOffset = buf.getLong();
                long commitLogOffset = buf.getLong();
                int queueId = buf.getInt();
                int sysFlag = buf.getInt();
                int flag = buf.getInt();
                long born = buf.getLong();
                long stored = buf.getLong();
                int reconsume = buf.getInt();
                String msgId = shortString(buf, end);
                String topic = shortString(buf, end);
                String bornHost = shortString(buf, end);
                String storeHost = shortString(buf, end);
                String props = new String(bytes(buf, checkedLength(buf, "properties", 0), end), StandardCharsets.UTF_8);
                byte[] body = bytes(buf, checkedLength(buf, "body", 0), end);
                if (buf.position() != end) {
                    throw new MalformedMessageException("delivered message " + out.size() + " length "
                            + entryLength + " does not match its fields");
                }
                out.add(new MessageExt(msgId, topic, queueId, queueOffset, commitLogOffset, born, stored, bornHost,
                        storeHost, reconsume, flag, sysFlag, MessageProperties.decode(props), body));
            }
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("delivered messages are truncated after " + out.size() + " messages");
        }
        return out;
    }

    private static int checkedLength(ByteBuffer buf, String what, int min) {
        return checkedLength(buf, 0, what, min);
    }

    /** A length field at the position, checked against what remains; {@code base} is where byte 0 of the message is. */
    private static int checkedLength(ByteBuffer buf, int base, String what, int min) {
        int len = buf.getInt();
        if (len < min || len > buf.remaining()) {
            throw new MalformedMessageException(what + " length " + len + " is outside [" + min + ", "
                    + buf.remaining() + "] at byte " + (buf.position() - 4 - base));
        }
        return len;
    }

    private static byte[] bytes(ByteBuffer buf, int len, int end) {
        checkFits(buf, len, end);
        byte[] b = new byte[len];
        buf.get(b);
        return b;
    }

    private static void checkFits(ByteBuffer buf, int len, int end) {
        checkFits(buf, 0, len, end);
    }

    private static void checkFits(ByteBuffer buf, int base, int len, int end) {
        if (buf.position() + len > end) {
            throw new MalformedMessageException("field of " + len + " bytes runs past its entry at byte "
                    + (buf.position() - base));
        }
    }

    private static String shortString(ByteBuffer buf, int end) {
        int len = Short.toUnsignedInt(buf.getShort());
        return new String(bytes(buf, len, end), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
