package io.tidemq.store.commitlog;

import io.tidemq.common.filter.TagsCode;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.store.api.StoredMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static io.tidemq.store.api.RecordDescriptor.*;

/**
 * Validates and decodes records in a view of one CommitLog file. The view must cover the whole file (index 0
 * is the file's first byte) and be private to the caller, since validation moves its position and limit to
 * feed the CRC. Not thread-safe: one instance per thread.
 */
public final class RecordReader {

    /** {@link #check} result: zeroes where a record should start; the end of written data. */
    public static final int END_OF_DATA = 0;
    /** {@link #check} result: an end-of-file blank marker; the rest of the file holds no record. */
    public static final int BLANK = -1;
    /** {@link #check} result: not a valid record; {@link #lastCorruption()} says why. */
    public static final int CORRUPT = -2;

    private final CRC32C crc = new CRC32C();
    private String lastCorruption = "";

    /**
     * Whether a record header starts at {@code position}: the record magic, and a physical-offset field naming
     * that very position. A read at an offset that is not a record start (a wrong message id) fails this; a
     * record damaged elsewhere (body, CRC, lengths) passes it. Reads nothing else.
     */
    public static boolean looksLikeRecordStart(ByteBuffer file, int position, long fileFromOffset) {
        if (position < 0 || position + PHYSICAL_OFFSET_OFFSET + Long.BYTES > file.capacity()) {
            return false;
        }
        return file.getInt(position + MAGIC_OFFSET) == MESSAGE_MAGIC
                && file.getLong(position + PHYSICAL_OFFSET_OFFSET) == fileFromOffset + position;
    }

    /**
     * Checks the record starting at {@code position}: magic, lengths, physical offset and CRC32C.
     *
     * @return the record's total length when valid, else {@link #END_OF_DATA}, {@link #BLANK} or
     *         {@link #CORRUPT}
     */
    public int check(ByteBuffer file, int position, long fileFromOffset) {
        int fileSize = file.capacity();
        int available = fileSize - position;
        if (available < BLANK_MARKER_MIN_LENGTH) {
            return corrupt("only " + available + " bytes left in the file, less than a blank marker");
        }
        int totalSize = file.getInt(position + TOTAL_SIZE_OFFSET);
        int magic = file.getInt(position + MAGIC_OFFSET);
        if (magic == BLANK_MAGIC) {
            return totalSize == available ? BLANK
                    : corrupt("blank marker says " + totalSize + " bytes but " + available + " remain in the file");
        }
        if (magic == 0 && totalSize == 0) {
            return END_OF_DATA;
        }
        if (magic != MESSAGE_MAGIC) {
            return corrupt(String.format("magic 0x%08X is not a record (offset is not a record start or the header"
                    + " is damaged)", magic));
        }
        if (totalSize < MIN_RECORD_LENGTH || totalSize > available - BLANK_MARKER_MIN_LENGTH) {
            return corrupt("total size " + totalSize + " is impossible here (" + available + " bytes left)");
        }
        int bodyLength = file.getInt(position + BODY_LENGTH_OFFSET);
        if (bodyLength < 0 || bodyLength > totalSize - MIN_RECORD_LENGTH) {
            return corrupt("body length " + bodyLength + " does not fit in total size " + totalSize);
        }
        int topicLength = file.get(position + topicLengthOffset(bodyLength)) & 0xFF;
        if (topicLength == 0 || topicLength > MAX_TOPIC_BYTES
                || propertiesLengthOffset(bodyLength, topicLength) + PROPERTIES_LENGTH_LENGTH > totalSize) {
            return corrupt("topic length " + topicLength + " is invalid");
        }
        int propertiesLength = file.getShort(position + propertiesLengthOffset(bodyLength, topicLength)) & 0xFFFF;
        if (recordLength(bodyLength, topicLength, propertiesLength) != totalSize) {
            return corrupt("field lengths (body " + bodyLength + ", topic " + topicLength + ", properties "
                    + propertiesLength + ") do not add up to total size " + totalSize);
        }
        long physicalOffset = file.getLong(position + PHYSICAL_OFFSET_OFFSET);
        if (physicalOffset != fileFromOffset + position) {
            return corrupt("physical offset field " + physicalOffset + " does not match the record's position "
                    + (fileFromOffset + position));
        }
        int storedCrc = file.getInt(position + CRC_OFFSET);
        crc.reset();
        file.limit(position + totalSize).position(position + CRC_COVERAGE_START);
        crc.update(file);
        file.limit(fileSize);
        if ((int) crc.getValue() != storedCrc) {
            return corrupt(String.format("CRC32C mismatch: stored 0x%08X, computed 0x%08X", storedCrc,
                    (int) crc.getValue()));
        }
        return totalSize;
    }

    private int corrupt(String reason) {
        lastCorruption = reason;
        return CORRUPT;
    }

    /** Why the last {@link #check} returned {@link #CORRUPT}. */
    public String lastCorruption() {
        return lastCorruption;
    }

    /**
     * Finds the next valid record in {@code [from, limit)} after a corrupt one, trying every byte position
     * where the magic number appears (zero runs are skipped four bytes at a time).
     *
     * @return the position of the next valid record, or -1
     */
    public int resync(ByteBuffer file, int from, int limit, long fileFromOffset) {
        int end = Math.min(limit, file.capacity() - MIN_RECORD_LENGTH);
        int i = from;
        while (i < end) {
            if (i + Long.BYTES <= end && file.getLong(i) == 0) {
                // the magic's four bytes are never zero, so no record can start in [i, i + 4)
                i += Integer.BYTES;
                continue;
            }
            if (file.getInt(i + MAGIC_OFFSET) == MESSAGE_MAGIC && check(file, i, fileFromOffset) > 0) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Decodes a record already validated by {@link #check}, copying every variable field out of the view. */
    public static StoredMessage decode(ByteBuffer file, int position) {
        int totalSize = file.getInt(position + TOTAL_SIZE_OFFSET);
        int bodyLength = file.getInt(position + BODY_LENGTH_OFFSET);
        byte[] body = new byte[bodyLength];
        file.get(position + BODY_OFFSET, body);
        int topicLength = file.get(position + topicLengthOffset(bodyLength)) & 0xFF;
        String topic = readString(file, position + topicLengthOffset(bodyLength) + TOPIC_LENGTH_LENGTH, topicLength);
        int propertiesAt = position + propertiesLengthOffset(bodyLength, topicLength);
        int propertiesLength = file.getShort(propertiesAt) & 0xFFFF;
        String properties = readString(file, propertiesAt + PROPERTIES_LENGTH_LENGTH, propertiesLength);
        return new StoredMessage(topic,
                file.getInt(position + QUEUE_ID_OFFSET),
                file.getInt(position + FLAG_OFFSET),
                file.getInt(position + SYS_FLAG_OFFSET),
                file.getLong(position + QUEUE_OFFSET_OFFSET),
                file.getLong(position + PHYSICAL_OFFSET_OFFSET),
                totalSize,
                file.getLong(position + BORN_TIMESTAMP_OFFSET),
                file.getInt(position + BORN_HOST_OFFSET),
                file.getInt(position + BORN_HOST_OFFSET + HOST_PORT_DELTA),
                file.getLong(position + STORE_TIMESTAMP_OFFSET),
                file.getInt(position + STORE_HOST_OFFSET),
                file.getInt(position + STORE_HOST_OFFSET + HOST_PORT_DELTA),
                file.getInt(position + RECONSUME_TIMES_OFFSET),
                file.getLong(position + PREPARED_TX_OFFSET_OFFSET),
                body,
                MessageProperties.decode(properties));
    }

    /** What the dispatchers need from a record already validated by {@link #check}; the body is not read. */
    public static DispatchRequest toDispatchRequest(ByteBuffer file, int position) {
        int totalSize = file.getInt(position + TOTAL_SIZE_OFFSET);
        int bodyLength = file.getInt(position + BODY_LENGTH_OFFSET);
        int topicLength = file.get(position + topicLengthOffset(bodyLength)) & 0xFF;
        String topic = readString(file, position + topicLengthOffset(bodyLength) + TOPIC_LENGTH_LENGTH, topicLength);
        int propertiesAt = position + propertiesLengthOffset(bodyLength, topicLength);
        int propertiesLength = file.getShort(propertiesAt) & 0xFFFF;
        String properties = readString(file, propertiesAt + PROPERTIES_LENGTH_LENGTH, propertiesLength);
        return new DispatchRequest(topic,
                file.getInt(position + QUEUE_ID_OFFSET),
                file.getLong(position + PHYSICAL_OFFSET_OFFSET),
                totalSize,
                TagsCode.of(findProperty(properties, MessageConst.TAGS)),
                file.getLong(position + STORE_TIMESTAMP_OFFSET),
                file.getLong(position + QUEUE_OFFSET_OFFSET),
                findProperty(properties, MessageConst.KEYS),
                findProperty(properties, MessageConst.UNIQ_KEY),
                file.getInt(position + SYS_FLAG_OFFSET));
    }

    /** The store timestamp of the record at {@code position}, after a magic check only (cheap, for searches). */
    public static long storeTimestampOrMinusOne(ByteBuffer file, int position) {
        if (file.capacity() - position < MIN_RECORD_LENGTH || file.getInt(position + MAGIC_OFFSET) != MESSAGE_MAGIC) {
            return -1;
        }
        return file.getLong(position + STORE_TIMESTAMP_OFFSET);
    }

    private static String readString(ByteBuffer file, int at, int length) {
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        file.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Finds one property in the encoded form without building a map (dispatch runs this per record). */
    static String findProperty(String encoded, String name) {
        int start = 0;
        int length = encoded.length();
        while (start < length) {
            int separator = encoded.indexOf(MessageProperties.NAME_VALUE_SEPARATOR, start);
            if (separator < 0) {
                return null;
            }
            int end = encoded.indexOf(MessageProperties.PROPERTY_SEPARATOR, separator);
            if (end < 0) {
                end = length;
            }
            if (separator - start == name.length() && encoded.startsWith(name, start)) {
                return encoded.substring(separator + 1, end);
            }
            start = end + 1;
        }
        return null;
    }
}
