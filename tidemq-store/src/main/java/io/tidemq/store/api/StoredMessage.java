package io.tidemq.store.api;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.net.HostAddress;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A record read back from the CommitLog: everything the producer and the store wrote. Immutable; the body
 * is a private copy (no reference into mapped memory survives the read).
 */
public final class StoredMessage {

    private final String topic;
    private final int queueId;
    private final int flag;
    private final int sysFlag;
    private final long queueOffset;
    private final long physicalOffset;
    private final int storeSizeBytes;
    private final long bornTimestampMs;
    private final int bornHostIpv4;
    private final int bornPort;
    private final long storeTimestampMs;
    private final int storeHostIpv4;
    private final int storePort;
    private final int reconsumeTimes;
    private final long preparedTransactionOffset;
    private final byte[] body;
    private final Map<String, String> properties;

    public StoredMessage(String topic, int queueId, int flag, int sysFlag, long queueOffset, long physicalOffset,
                         int storeSizeBytes, long bornTimestampMs, int bornHostIpv4, int bornPort,
                         long storeTimestampMs, int storeHostIpv4, int storePort, int reconsumeTimes,
                         long preparedTransactionOffset, byte[] body, Map<String, String> properties) {
        this.topic = topic;
        this.queueId = queueId;
        this.flag = flag;
        this.sysFlag = sysFlag;
        this.queueOffset = queueOffset;
        this.physicalOffset = physicalOffset;
        this.storeSizeBytes = storeSizeBytes;
        this.bornTimestampMs = bornTimestampMs;
        this.bornHostIpv4 = bornHostIpv4;
        this.bornPort = bornPort;
        this.storeTimestampMs = storeTimestampMs;
        this.storeHostIpv4 = storeHostIpv4;
        this.storePort = storePort;
        this.reconsumeTimes = reconsumeTimes;
        this.preparedTransactionOffset = preparedTransactionOffset;
        this.body = body;
        this.properties = Map.copyOf(properties);
    }

    public String topic() {
        return topic;
    }

    public int queueId() {
        return queueId;
    }

    public int flag() {
        return flag;
    }

    public int sysFlag() {
        return sysFlag;
    }

    public long queueOffset() {
        return queueOffset;
    }

    public long physicalOffset() {
        return physicalOffset;
    }

    /** Bytes the record takes in the CommitLog. */
    public int storeSizeBytes() {
        return storeSizeBytes;
    }

    public long bornTimestampMs() {
        return bornTimestampMs;
    }

    public InetSocketAddress bornHost() {
        InetSocketAddress v6 = HostAddress.parseText(properties.get(MessageRecord.BORN_HOST_PROPERTY));
        return v6 != null ? v6 : HostAddress.fromIpv4(bornHostIpv4, bornPort);
    }

    public long storeTimestampMs() {
        return storeTimestampMs;
    }

    public InetSocketAddress storeHost() {
        InetSocketAddress v6 = HostAddress.parseText(properties.get(MessageRecord.STORE_HOST_PROPERTY));
        return v6 != null ? v6 : HostAddress.fromIpv4(storeHostIpv4, storePort);
    }

    public int reconsumeTimes() {
        return reconsumeTimes;
    }

    public long preparedTransactionOffset() {
        return preparedTransactionOffset;
    }

    /** A private copy of the body; callers must not modify it. */
    public byte[] body() {
        return body;
    }

    public Map<String, String> properties() {
        return properties;
    }

    public String property(String name) {
        return properties.get(name);
    }

    public String tags() {
        return properties.get(MessageConst.TAGS);
    }

    /** Business keys, space-separated, or null. */
    public String keys() {
        return properties.get(MessageConst.KEYS);
    }

    public String uniqueKey() {
        return properties.get(MessageConst.UNIQ_KEY);
    }

    /** The store-assigned id; see {@link MessageId}. */
    public String msgId() {
        return MessageId.encode(storeHostIpv4, storePort, physicalOffset);
    }

    @Override
    public String toString() {
        return "StoredMessage[topic=" + topic + ", queueId=" + queueId + ", queueOffset=" + queueOffset
                + ", physicalOffset=" + physicalOffset + ", size=" + storeSizeBytes + "]";
    }
}
