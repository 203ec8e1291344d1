package io.tidemq.common.message;

/**
 * The one definition of the CommitLog record layout (storage format version 1), which is also the layout of a
 * PULL_MESSAGE response (docs/protocol.md: a pull answers with the records as they are stored). Every encoder,
 * decoder and recovery step, in the store and in the client, uses these constants; no byte position is written
 * down anywhere else. All integers are big-endian.
 *
 * <pre>
 * offset  length  field
 *      0       4  totalSize                 whole record, this field included
 *      4       4  magic                     {@link #MESSAGE_MAGIC}
 *      8       4  crc32c                    CRC32C of bytes [12, totalSize): everything after this field
 *     12       4  queueId
 *     16       4  flag                      user flag, opaque to the store
 *     20       8  queueOffset               logical offset within (topic, queueId)
 *     28       8  physicalOffset            offset of byte 0 of this record in the CommitLog
 *     36       4  sysFlag                   see {@link SysFlag}
 *     40       8  bornTimestamp             epoch millis, producer clock
 *     48       4  bornHost IPv4             0 when the born host is IPv6 (see {@link SysFlag#BORN_HOST_V6})
 *     52       4  bornHost port
 *     56       8  storeTimestamp            epoch millis, broker clock at append
 *     64       4  storeHost IPv4            0 when the store host is IPv6
 *     68       4  storeHost port
 *     72       4  reconsumeTimes
 *     76       8  preparedTransactionOffset
 *     84       4  bodyLength  (B)
 *     88       B  body
 *   88+B       1  topicLength (T, 1..127)
 *   89+B       T  topic, UTF-8
 * 89+B+T       2  propertiesLength (P, 0..32767)
 * 91+B+T       P  properties, UTF-8 "name\u0001value\u0002" repeated
 * </pre>
 *
 * <p>End-of-file blank marker: when a record (or batch) does not fit in the rest of a file, the remaining
 * {@code R >= 8} bytes start with {@code totalSize = R} and {@code magic = BLANK_MAGIC}; the other bytes are
 * unspecified (normally zero). A record never straddles two files, so every complete file ends with a blank.
 */
public class RecordLayout {

    public static final int FORMAT_VERSION = 1;

    /** "TMQ1": a message record of format version 1. */
    public static final int MESSAGE_MAGIC = 0x544D5131;
    /** "TMQE": the end-of-file blank marker. */
    public static final int BLANK_MAGIC = 0x544D5145;

    public static final int TOTAL_SIZE_OFFSET = 0;
    public static final int TOTAL_SIZE_LENGTH = 4;
    public static final int MAGIC_OFFSET = TOTAL_SIZE_OFFSET + TOTAL_SIZE_LENGTH;
    public static final int MAGIC_LENGTH = 4;
    public static final int CRC_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int CRC_LENGTH = 4;
    /** First byte covered by the CRC: everything after the CRC field, so header corruption is caught too. */
    public static final int CRC_COVERAGE_START = CRC_OFFSET + CRC_LENGTH;
    public static final int QUEUE_ID_OFFSET = CRC_OFFSET + CRC_LENGTH;
    public static final int QUEUE_ID_LENGTH = 4;
    public static final int FLAG_OFFSET = QUEUE_ID_OFFSET + QUEUE_ID_LENGTH;
    public static final int FLAG_LENGTH = 4;
    public static final int QUEUE_OFFSET_OFFSET = FLAG_OFFSET + FLAG_LENGTH;
    public static final int QUEUE_OFFSET_LENGTH = 8;
    public static final int PHYSICAL_OFFSET_OFFSET = QUEUE_OFFSET_OFFSET + QUEUE_OFFSET_LENGTH;
    public static final int PHYSICAL_OFFSET_LENGTH = 8;
    public static final int SYS_FLAG_OFFSET = PHYSICAL_OFFSET_OFFSET + PHYSICAL_OFFSET_LENGTH;
    public static final int SYS_FLAG_LENGTH = 4;
    public static final int BORN_TIMESTAMP_OFFSET = SYS_FLAG_OFFSET + SYS_FLAG_LENGTH;
    public static final int BORN_TIMESTAMP_LENGTH = 8;
    public static final int BORN_HOST_OFFSET = BORN_TIMESTAMP_OFFSET + BORN_TIMESTAMP_LENGTH;
    /** IPv4 address (4) then port (4). */
    public static final int BORN_HOST_LENGTH = 8;
    public static final int STORE_TIMESTAMP_OFFSET = BORN_HOST_OFFSET + BORN_HOST_LENGTH;
    public static final int STORE_TIMESTAMP_LENGTH = 8;
    public static final int STORE_HOST_OFFSET = STORE_TIMESTAMP_OFFSET + STORE_TIMESTAMP_LENGTH;
    /** IPv4 address (4) then port (4). */
    public static final int STORE_HOST_LENGTH = 8;
    public static final int HOST_PORT_DELTA = 4;
    public static final int RECONSUME_TIMES_OFFSET = STORE_HOST_OFFSET + STORE_HOST_LENGTH;
    public static final int RECONSUME_TIMES_LENGTH = 4;
    public static final int PREPARED_TX_OFFSET_OFFSET = RECONSUME_TIMES_OFFSET + RECONSUME_TIMES_LENGTH;
    public static final int PREPARED_TX_OFFSET_LENGTH = 8;
    public static final int BODY_LENGTH_OFFSET = PREPARED_TX_OFFSET_OFFSET + PREPARED_TX_OFFSET_LENGTH;
    public static final int BODY_LENGTH_LENGTH = 4;
    /** Start of the body; the variable part (body, topic, properties) follows the fixed header. */
    public static final int BODY_OFFSET = BODY_LENGTH_OFFSET + BODY_LENGTH_LENGTH;
    public static final int FIXED_HEADER_LENGTH = BODY_OFFSET;
    public static final int TOPIC_LENGTH_LENGTH = 1;
    public static final int PROPERTIES_LENGTH_LENGTH = 2;

    public static final int MAX_TOPIC_BYTES = 127;
    public static final int MAX_PROPERTIES_BYTES = Short.MAX_VALUE;

    /** Smallest possible record: empty body, 1-byte topic, no properties. */
    public static final int MIN_RECORD_LENGTH = FIXED_HEADER_LENGTH + TOPIC_LENGTH_LENGTH + 1
            + PROPERTIES_LENGTH_LENGTH;
    /** A file's tail must keep room for a blank marker: totalSize + magic. */
    public static final int BLANK_MARKER_MIN_LENGTH = TOTAL_SIZE_LENGTH + MAGIC_LENGTH;
    /** Largest record overhead beyond the body: header, longest topic, largest properties. */
    public static final int MAX_RECORD_OVERHEAD = FIXED_HEADER_LENGTH + TOPIC_LENGTH_LENGTH + MAX_TOPIC_BYTES
            + PROPERTIES_LENGTH_LENGTH + MAX_PROPERTIES_BYTES;

    protected RecordLayout() {
    }

    /** Total record length for the given variable parts. */
    public static int recordLength(int bodyLength, int topicLength, int propertiesLength) {
        return FIXED_HEADER_LENGTH + bodyLength + TOPIC_LENGTH_LENGTH + topicLength + PROPERTIES_LENGTH_LENGTH
                + propertiesLength;
    }

    /** Position, relative to the record start, of the topic length byte. */
    public static int topicLengthOffset(int bodyLength) {
        return BODY_OFFSET + bodyLength;
    }

    /** Position, relative to the record start, of the properties length field. */
    public static int propertiesLengthOffset(int bodyLength, int topicLength) {
        return topicLengthOffset(bodyLength) + TOPIC_LENGTH_LENGTH + topicLength;
    }
}
