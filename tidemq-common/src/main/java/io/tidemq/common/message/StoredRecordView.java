package io.tidemq.common.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static io.tidemq.common.message.RecordLayout.*;

/**
 * A read-only flyweight over one record in the {@link RecordLayout} (Aeron's flyweight idea): the accessors read
 * the fields in place, nothing is copied or allocated until a caller asks for a body, a topic or the properties.
 * {@link #wrap} moves it to the next record after checking that the record's lengths are consistent and fit in
 * what is left of the buffer, so no accessor can read outside the record.
 *
 * <p>Not thread-safe: one view per decoding thread; the buffer must not change while it is wrapped.
 */
public final class StoredRecordView {

    private ByteBuffer buffer;
    private int position;
    private int totalSize;
    private int bodyLength;
    private int topicLength;
    private int propertiesLength;

    /**
     * Points the view at the record starting at {@code position} of {@code buffer} (absolute index) after
     * checking its magic and lengths against the {@code available} bytes from there.
     *
     * @return the record's total length
     * @throws MalformedMessageException when the record is not a record of this layout or does not fit
     */
    public int wrap(ByteBuffer buffer, int position, int available) {
        if (available < MIN_RECORD_LENGTH) {
            throw new MalformedMessageException("record at byte " + position + ": only " + available
                    + " bytes left, less than the smallest record (" + MIN_RECORD_LENGTH + ")");
        }
        int size = buffer.getInt(position + TOTAL_SIZE_OFFSET);
        int magic = buffer.getInt(position + MAGIC_OFFSET);
        if (magic != MESSAGE_MAGIC) {
            throw new MalformedMessageException(String.format("record at byte %d: magic 0x%08X is not a message"
                    + " record of format %d", position, magic, FORMAT_VERSION));
        }
        if (size < MIN_RECORD_LENGTH || size > available) {
            throw new MalformedMessageException("record at byte " + position + ": total size " + size
                    + " is outside [" + MIN_RECORD_LENGTH + ", " + available + "]");
        }
        int body = buffer.getInt(position + BODY_LENGTH_OFFSET);
        if (body < 0 || body > size - MIN_RECORD_LENGTH) {
            throw new MalformedMessageException("record at byte " + position + ": body length " + body
                    + " does not fit in total size " + size);
        }
        int topic = buffer.get(position + topicLengthOffset(body)) & 0xFF;
        if (topic == 0 || topic > MAX_TOPIC_BYTES || propertiesLengthOffset(body, topic) + PROPERTIES_LENGTH_LENGTH > size) {
            throw new MalformedMessageException("record at byte " + position + ": topic length " + topic
                    + " is invalid");
        }
        int properties = buffer.getShort(position + propertiesLengthOffset(body, topic)) & 0xFFFF;
        if (recordLength(body, topic, properties) != size) {
            throw new MalformedMessageException("record at byte " + position + ": field lengths (body " + body
                    + ", topic " + topic + ", properties " + properties + ") do not add up to total size " + size);
        }
        this.buffer = buffer;
        this.position = position;
        this.totalSize = size;
        this.bodyLength = body;
        this.topicLength = topic;
        this.propertiesLength = properties;
        return size;
    }

    public int totalSize() {
        return totalSize;
    }

    public int crc32c() {
        return buffer.getInt(position + CRC_OFFSET);
    }

    public int queueId() {
        return buffer.getInt(position + QUEUE_ID_OFFSET);
    }

    public int flag() {
        return buffer.getInt(position + FLAG_OFFSET);
    }

    public long queueOffset() {
        return buffer.getLong(position + QUEUE_OFFSET_OFFSET);
    }

    public long physicalOffset() {
        return buffer.getLong(position + PHYSICAL_OFFSET_OFFSET);
    }

    public int sysFlag() {
        return buffer.getInt(position + SYS_FLAG_OFFSET);
    }

    public long bornTimestampMs() {
        return buffer.getLong(position + BORN_TIMESTAMP_OFFSET);
    }

    public int bornHostIpv4() {
        return buffer.getInt(position + BORN_HOST_OFFSET);
    }

    public int bornPort() {
        return buffer.getInt(position + BORN_HOST_OFFSET + HOST_PORT_DELTA);
    }

    public long storeTimestampMs() {
        return buffer.getLong(position + STORE_TIMESTAMP_OFFSET);
    }

    public int storeHostIpv4() {
        return buffer.getInt(position + STORE_HOST_OFFSET);
    }

    public int storePort() {
        return buffer.getInt(position + STORE_HOST_OFFSET + HOST_PORT_DELTA);
    }

    public int reconsumeTimes() {
        return buffer.getInt(position + RECONSUME_TIMES_OFFSET);
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** Absolute index of the first body byte in the wrapped buffer. */
    public int bodyIndex() {
        return position + BODY_OFFSET;
    }

    /** A copy of the body. */
    public byte[] body() {
        byte[] body = new byte[bodyLength];
        buffer.get(position + BODY_OFFSET, body);
        return body;
    }

    /** Whether the topic's UTF-8 bytes are exactly {@code utf8}. */
    public boolean topicEquals(byte[] utf8) {
        if (utf8.length != topicLength) {
            return false;
        }
        int at = position + topicLengthOffset(bodyLength) + TOPIC_LENGTH_LENGTH;
        for (int i = 0; i < topicLength; i++) {
            if (buffer.get(at + i) != utf8[i]) {
                return false;
            }
        }
        return true;
    }

    public String topic() {
        byte[] bytes = new byte[topicLength];
        buffer.get(position + topicLengthOffset(bodyLength) + TOPIC_LENGTH_LENGTH, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public int propertiesLength() {
        return propertiesLength;
    }

    /** Absolute index of the first properties byte in the wrapped buffer. */
    public int propertiesIndex() {
        return position + propertiesLengthOffset(bodyLength, topicLength) + PROPERTIES_LENGTH_LENGTH;
    }
}
