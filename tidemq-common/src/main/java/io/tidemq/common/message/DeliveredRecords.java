package io.tidemq.common.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the body of a PULL_MESSAGE response: the CommitLog records of the pulled messages, back to back, exactly
 * as the broker stored them ({@link RecordLayout}; docs/protocol.md, "PULL_MESSAGE"). The broker has checked each
 * record's CRC32C when it read it; this checks the structure of every record (magic, lengths) before reading a
 * field, through one {@link StoredRecordView}, and builds the {@link MessageExt}s the consumer hands on:
 * <ul>
 *   <li>the topic is the pulled topic's own {@code String} when the bytes match it (they do, except for a retry
 *       copy pulled through a retry topic);</li>
 *   <li>host texts come from a small cache keyed by address and port, so a response of one producer formats its
 *       address once;</li>
 *   <li>the properties stay encoded until read ({@link LazyProperties});</li>
 *   <li>the body is the only per-message copy.</li>
 * </ul>
 * Stateless apart from the host-text cache, which is safe to share: thread-safe.
 */
public final class DeliveredRecords {

    private static final int HOST_CACHE_SLOTS = 256;
    /**
     * Direct-mapped "ip:port" texts; each slot holds an immutable entry, replaced whole, so a racing reader sees
     * either the old or the new entry, never a torn one. Any thread.
     */
    private static final HostText[] HOST_TEXTS = new HostText[HOST_CACHE_SLOTS];

    private record HostText(long key, String text) {
    }

    private DeliveredRecords() {
    }

    /**
     * The messages of a pull response body ({@code body} is kept by the returned messages' properties: it must not
     * be modified afterwards).
     *
     * @param pulledTopic the topic the pull asked for; records of another topic (retry copies) decode their own
     * @throws MalformedMessageException when a record's magic or lengths are wrong or it runs past the body
     */
    public static List<MessageExt> decode(byte[] body, String pulledTopic) {
        return decode(body, 0, body.length, pulledTopic);
    }

    /**
     * The messages in {@code body}'s remaining bytes (its position is not moved). A heap buffer's array is used in
     * place (kept by the messages' properties: it must not be modified afterwards); any other is copied once.
     */
    public static List<MessageExt> decode(ByteBuffer body, String pulledTopic) {
        if (body.hasArray()) {
            return decode(body.array(), body.arrayOffset() + body.position(), body.remaining(), pulledTopic);
        }
        byte[] copy = new byte[body.remaining()];
        body.get(body.position(), copy);
        return decode(copy, 0, copy.length, pulledTopic);
    }

    /**
     * The messages in {@code body}'s remaining bytes, for a buffer that is reused once this returns (a pull
     * response's body read where it arrived in the network buffer): each message gets its own copies of its body
     * and its encoded properties, and nothing returned reads through {@code body}. Its position is not moved. One
     * copy of the body bytes in all, where decoding a {@code byte[]} of the whole response costs two.
     *
     * @throws MalformedMessageException when a record's magic or lengths are wrong or it runs past the body
     */
    public static List<MessageExt> decodeCopying(ByteBuffer body, String pulledTopic) {
        byte[] topicBytes = pulledTopic.getBytes(StandardCharsets.UTF_8);
        StoredRecordView view = new StoredRecordView();
        int position = body.position();
        int end = body.limit();
        List<MessageExt> out = new ArrayList<>(Math.max(1, (end - position) / 1024));
        while (position < end) {
            int size = view.wrap(body, position, end - position);
            byte[] properties = new byte[view.propertiesLength()];
            body.get(view.propertiesIndex(), properties);
            out.add(toMessage(view, properties, 0, pulledTopic, topicBytes));
            position += size;
        }
        return out;
    }

    private static List<MessageExt> decode(byte[] body, int from, int length, String pulledTopic) {
        ByteBuffer buf = ByteBuffer.wrap(body);
        byte[] topicBytes = pulledTopic.getBytes(StandardCharsets.UTF_8);
        StoredRecordView view = new StoredRecordView();
        List<MessageExt> out = new ArrayList<>(Math.max(1, length / 1024));
        int position = from;
        int end = from + length;
        while (position < end) {
            int size = view.wrap(buf, position, end - position);
            out.add(toMessage(view, body, view.propertiesIndex(), pulledTopic, topicBytes));
            position += size;
        }
        return out;
    }

    /** {@code r}'s message; its encoded properties are the {@code r.propertiesLength()} bytes of {@code p} at {@code pAt}. */
    private static MessageExt toMessage(StoredRecordView r, byte[] p, int pAt, String pulledTopic, byte[] topicBytes) {
        int sysFlag = r.sysFlag();
        LazyProperties properties = new LazyProperties(p, pAt, r.propertiesLength());
        String bornHost = (sysFlag & SysFlag.BORN_HOST_V6) != 0 ? properties.get(MessageConst.BORN_HOST)
                : hostText(r.bornHostIpv4(), r.bornPort());
        String storeHost = (sysFlag & SysFlag.STORE_HOST_V6) != 0 ? properties.get(MessageConst.STORE_HOST)
                : hostText(r.storeHostIpv4(), r.storePort());
        return new MessageExt(MessageId.encode(r.storeHostIpv4(), r.storePort(), r.physicalOffset()),
                r.topicEquals(topicBytes) ? pulledTopic : r.topic(),
                r.queueId(), r.queueOffset(), r.physicalOffset(), r.bornTimestampMs(), r.storeTimestampMs(),
                bornHost, storeHost, r.reconsumeTimes(), r.flag(), sysFlag, properties, r.body());
    }

    /** "a.b.c.d:port", as {@code HostPort.format} writes an IPv4 address. */
    static String hostText(int ipv4, int port) {
        long key = ((long) ipv4 << 32) | (port & 0xFFFF_FFFFL);
        int slot = (int) ((key ^ (key >>> 29) ^ (key >>> 47)) & (HOST_CACHE_SLOTS - 1));
        HostText cached = HOST_TEXTS[slot];
        if (cached != null && cached.key == key) {
            return cached.text;
        }
        String text = (ipv4 >>> 24) + "." + ((ipv4 >>> 16) & 0xFF) + "." + ((ipv4 >>> 8) & 0xFF) + "." + (ipv4 & 0xFF)
                + ":" + port;
        HOST_TEXTS[slot] = new HostText(key, text);
        return text;
    }
}
