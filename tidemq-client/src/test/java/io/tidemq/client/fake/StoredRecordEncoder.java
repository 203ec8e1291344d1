package io.tidemq.client.fake;

import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageProperties;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

import static io.tidemq.common.message.RecordLayout.*;

/**
 * What a real broker sends in a PULL_MESSAGE response, for the fake brokers of the client tests: each message as a
 * CommitLog record ({@link io.tidemq.common.message.RecordLayout}), CRC32C included. The hosts must be IPv4
 * {@code ip:port} texts.
 */
public final class StoredRecordEncoder {

    private StoredRecordEncoder() {
    }

    public static byte[] encode(List<MessageExt> messages) {
        byte[][] topics = new byte[messages.size()][];
        byte[][] props = new byte[messages.size()][];
        int total = 0;
        for (int i = 0; i < messages.size(); i++) {
            MessageExt m = messages.get(i);
            topics[i] = m.topic().getBytes(StandardCharsets.UTF_8);
            props[i] = MessageProperties.encode(m.properties()).getBytes(StandardCharsets.UTF_8);
            total += recordLength(m.body().length, topics[i].length, props[i].length);
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (int i = 0; i < messages.size(); i++) {
            write(buf, messages.get(i), topics[i], props[i]);
        }
        return buf.array();
    }

    private static void write(ByteBuffer buf, MessageExt m, byte[] topic, byte[] props) {
        int start = buf.position();
        int size = recordLength(m.body().length, topic.length, props.length);
        buf.putInt(start + TOTAL_SIZE_OFFSET, size);
        buf.putInt(start + MAGIC_OFFSET, MESSAGE_MAGIC);
        buf.putInt(start + QUEUE_ID_OFFSET, m.queueId());
        buf.putInt(start + FLAG_OFFSET, m.flag());
        buf.putLong(start + QUEUE_OFFSET_OFFSET, m.queueOffset());
        buf.putLong(start + PHYSICAL_OFFSET_OFFSET, m.commitLogOffset());
        buf.putInt(start + SYS_FLAG_OFFSET, m.sysFlag());
        buf.putLong(start + BORN_TIMESTAMP_OFFSET, m.bornTimestampMs());
        buf.putInt(start + BORN_HOST_OFFSET, ipv4(host(m.bornHost())));
        buf.putInt(start + BORN_HOST_OFFSET + HOST_PORT_DELTA, port(m.bornHost()));
        buf.putLong(start + STORE_TIMESTAMP_OFFSET, m.storeTimestampMs());
        buf.putInt(start + STORE_HOST_OFFSET, ipv4(host(m.storeHost())));
        buf.putInt(start + STORE_HOST_OFFSET + HOST_PORT_DELTA, port(m.storeHost()));
        buf.putInt(start + RECONSUME_TIMES_OFFSET, m.reconsumeTimes());
        buf.putLong(start + PREPARED_TX_OFFSET_OFFSET, 0);
        buf.putInt(start + BODY_LENGTH_OFFSET, m.body().length);
        buf.position(start + BODY_OFFSET);
        buf.put(m.body());
        buf.put((byte) topic.length).put(topic);
        buf.putShort((short) props.length).put(props);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), start + CRC_COVERAGE_START, size - CRC_COVERAGE_START);
        buf.putInt(start + CRC_OFFSET, (int) crc.getValue());
    }

    private static String host(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static int port(String hostPort) {
        try {
            return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The big-endian int of a dotted IPv4 literal; 0 for anything else (a test's made-up host name). */
    public static int ipv4(String dotted) {
        if (!dotted.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return 0;
        }
        int ip = 0;
        for (String p : dotted.split("\\.")) {
            ip = (ip << 8) | Integer.parseInt(p);
        }
        return ip;
    }
}
