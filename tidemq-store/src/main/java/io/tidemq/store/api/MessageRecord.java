package io.tidemq.store.api;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.message.SysFlag;
import io.tidemq.common.net.HostAddress;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message as the broker hands it to the store. Immutable. The builder validates the limits of the storage
 * format and pre-encodes the topic and properties on the caller's thread, so the append lock only copies
 * bytes.
 */
public final class MessageRecord {

    /** Property holding an IPv6 born host as {@code [address]:port}; see {@link SysFlag#BORN_HOST_V6}. */
    public static final String BORN_HOST_PROPERTY = MessageConst.BORN_HOST;
    /** Property holding an IPv6 store host as {@code [address]:port}; see {@link SysFlag#STORE_HOST_V6}. */
    public static final String STORE_HOST_PROPERTY = MessageConst.STORE_HOST;

    private static final InetSocketAddress UNKNOWN_HOST = HostAddress.fromIpv4(0, 0);

    private final String topic;
    private final int queueId;
    private final int flag;
    private final int sysFlag;
    private final Map<String, String> properties;
    /** Holds the body: {@link #bodyLength} bytes from {@link #bodyOffset} (a batch's records share its request)... */
    private final byte[] body;
    /** ... unless the body lies in this buffer instead, from absolute index {@link #bodyOffset} (see {@link Builder#body(ByteBuffer, int, int)}). */
    private final ByteBuffer bodyBuffer;
    private final int bodyOffset;
    private final int bodyLength;
    private final long bornTimestampMs;
    private final InetSocketAddress bornHost;
    private final InetSocketAddress storeHost;
    private final int reconsumeTimes;
    private final long preparedTransactionOffset;

    // pre-encoded for the append path
    private final byte[] topicBytes;
    private final byte[] propertiesBytes;
    private final int bornHostIpv4;
    private final int storeHostIpv4;
    private final int recordLength;

    private MessageRecord(Builder b, Map<String, String> properties, int sysFlag, byte[] topicBytes,
                          byte[] propertiesBytes) {
        this.topic = b.topic;
        this.queueId = b.queueId;
        this.flag = b.flag;
        this.sysFlag = sysFlag;
        this.properties = Collections.unmodifiableMap(properties);
        this.body = b.body;
        this.bodyBuffer = b.bodyBuffer;
        this.bodyOffset = b.bodyOffset;
        this.bodyLength = b.bodyLength;
        this.bornTimestampMs = b.bornTimestampMs;
        this.bornHost = b.bornHost;
        this.storeHost = b.storeHost;
        this.reconsumeTimes = b.reconsumeTimes;
        this.preparedTransactionOffset = b.preparedTransactionOffset;
        this.topicBytes = topicBytes;
        this.propertiesBytes = propertiesBytes;
        this.bornHostIpv4 = HostAddress.ipv4(bornHost);
        this.storeHostIpv4 = HostAddress.ipv4(storeHost);
        this.recordLength = RecordDescriptor.recordLength(bodyLength, topicBytes.length, propertiesBytes.length);
    }

    /** A key naming one queue in a map of queues: {@code topic-queueId}. */
    public static String topicQueueKey(String topic, int queueId) {
        return topic + "-" + queueId;
    }

    public static Builder builder(String topic, int queueId) {
        return new Builder(topic, queueId);
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

    /** Every property, including TAGS, KEYS and UNIQ_KEY when set. */
    public Map<String, String> properties() {
        return properties;
    }

    public String tags() {
        return properties.get(MessageConst.TAGS);
    }

    public String keys() {
        return properties.get(MessageConst.KEYS);
    }

    /**
     * The body; callers must not modify it. A record built from a part of an array ({@link Builder#body(byte[], int,
     * int)}) or from a buffer returns a copy: the append path uses {@link #copyBodyTo} instead.
     */
    public byte[] body() {
        if (bodyBuffer != null) {
            byte[] copy = new byte[bodyLength];
            bodyBuffer.get(bodyOffset, copy);
            return copy;
        }
        return bodyOffset == 0 && bodyLength == body.length ? body : Arrays.copyOfRange(body, bodyOffset,
                bodyOffset + bodyLength);
    }

    /** Writes the body into {@code target} from absolute index {@code index}, where it lies, without a copy of its own. */
    public void copyBodyTo(ByteBuffer target, int index) {
        if (bodyBuffer != null) {
            target.put(index, bodyBuffer, bodyOffset, bodyLength);
        } else {
            target.put(index, body, bodyOffset, bodyLength);
        }
    }

    public int bodyLength() {
        return bodyLength;
    }

    public long bornTimestampMs() {
        return bornTimestampMs;
    }

    public InetSocketAddress bornHost() {
        return bornHost;
    }

    public InetSocketAddress storeHost() {
        return storeHost;
    }

    public int reconsumeTimes() {
        return reconsumeTimes;
    }

    public long preparedTransactionOffset() {
        return preparedTransactionOffset;
    }

    /** UTF-8 topic; callers must not modify it. */
    public byte[] topicBytes() {
        return topicBytes;
    }

    /** Encoded properties (see the storage format); callers must not modify it. */
    public byte[] propertiesBytes() {
        return propertiesBytes;
    }

    public int bornHostIpv4() {
        return bornHostIpv4;
    }

    public int storeHostIpv4() {
        return storeHostIpv4;
    }

    /** Bytes this record takes in the CommitLog. */
    public int recordLength() {
        return recordLength;
    }

    /** Builds a {@link MessageRecord}; not thread-safe. */
    public static final class Builder {
        private final String topic;
        private final int queueId;
        private int flag;
        private int sysFlag;
        /** Handed to the first record built; copied before any later change (see {@link #ownProperties}). */
        private Map<String, String> properties = new LinkedHashMap<>();
        /** Whether {@link #properties} belongs to a record built already. */
        private boolean propertiesShared;
        /**
         * The client's encoding of exactly {@link #properties}, kept by {@link #encodedProperties} so that
         * {@link #build} stores it as it came instead of encoding the map again; {@code null} once anything changed.
         */
        private String canonicalEncoded;
        private byte[] body = new byte[0];
        private ByteBuffer bodyBuffer;
        private int bodyOffset;
        private int bodyLength;
        private long bornTimestampMs = System.currentTimeMillis();
        private InetSocketAddress bornHost = UNKNOWN_HOST;
        private InetSocketAddress storeHost = UNKNOWN_HOST;
        private int reconsumeTimes;
        private long preparedTransactionOffset;

        private Builder(String topic, int queueId) {
            this.topic = Objects.requireNonNull(topic, "topic");
            this.queueId = queueId;
        }

        public Builder flag(int flag) {
            this.flag = flag;
            return this;
        }

        /** Transaction and compression bits; the store-owned host bits are ignored. */
        public Builder sysFlag(int sysFlag) {
            this.sysFlag = sysFlag & ~SysFlag.STORE_OWNED_MASK;
            return this;
        }

        public Builder tags(String tags) {
            return putOrRemove(MessageConst.TAGS, tags);
        }

        /** Business keys; stored space-separated in the KEYS property. */
        public Builder keys(Collection<String> keys) {
            return putOrRemove(MessageConst.KEYS, keys == null || keys.isEmpty() ? null
                    : String.join(MessageConst.KEY_SEPARATOR, keys));
        }

        public Builder keys(String spaceSeparatedKeys) {
            return putOrRemove(MessageConst.KEYS, spaceSeparatedKeys);
        }

        public Builder uniqueKey(String uniqueKey) {
            return putOrRemove(MessageConst.UNIQ_KEY, uniqueKey);
        }

        public Builder property(String name, String value) {
            ownProperties().put(Objects.requireNonNull(name, "property name"), Objects.requireNonNull(value, name));
            return this;
        }

        public Builder properties(Map<String, String> all) {
            all.forEach(this::property);
            return this;
        }

        /**
         * Adds the properties of their wire encoding ({@link MessageProperties}), as a producer sent them. When
         * no property was set before and the text is canonical (what {@link MessageProperties#encode} would
         * make of it), {@link #build} stores the text itself unless a later call changes the properties: the
         * send path then neither copies the map nor encodes it again.
         *
         * @throws InvalidMessageException when the text is not a property encoding
         */
        public Builder encodedProperties(String encoded) {
            boolean wasEmpty = properties.isEmpty();
            boolean canonical;
            try {
                canonical = MessageProperties.decodeInto(encoded, ownProperties());
            } catch (IllegalArgumentException e) {
                throw new InvalidMessageException("message properties are malformed: " + e.getMessage(), e);
            }
            canonicalEncoded = wasEmpty && canonical && encoded != null ? encoded : null;
            return this;
        }

        private Builder putOrRemove(String name, String value) {
            if (value == null || value.isEmpty()) {
                ownProperties().remove(name);
            } else {
                ownProperties().put(name, value);
            }
            return this;
        }

        /** The properties map, ready to change: unshared, and no longer described by {@link #canonicalEncoded}. */
        private Map<String, String> ownProperties() {
            canonicalEncoded = null;
            if (propertiesShared) {
                properties = new LinkedHashMap<>(properties);
                propertiesShared = false;
            }
            return properties;
        }

        public Builder body(byte[] body) {
            this.body = Objects.requireNonNull(body, "body");
            this.bodyBuffer = null;
            this.bodyOffset = 0;
            this.bodyLength = body.length;
            return this;
        }

        /**
         * The body is {@code length} bytes of {@code array} from {@code offset}, kept in place, not copied (the
         * records of a batch share the request's bytes); the array must not change afterwards.
         */
        public Builder body(byte[] array, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(array, "body").length);
            this.body = array;
            this.bodyBuffer = null;
            this.bodyOffset = offset;
            this.bodyLength = length;
            return this;
        }

        /**
         * The body is {@code length} bytes of {@code buffer} from absolute index {@code offset} (its position and limit
         * are ignored), kept in place, not copied: a broker's records point into the request as it was received. The
         * bytes must stay as they are until the put of the record returned, which copies them into the CommitLog;
         * the record is not to be used after that ({@link #body()} would read them again).
         */
        public Builder body(ByteBuffer buffer, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(buffer, "body").capacity());
            this.body = null;
            this.bodyBuffer = buffer;
            this.bodyOffset = offset;
            this.bodyLength = length;
            return this;
        }

        public Builder bornTimestampMs(long bornTimestampMs) {
            this.bornTimestampMs = bornTimestampMs;
            return this;
        }

        public Builder bornHost(InetSocketAddress bornHost) {
            this.bornHost = Objects.requireNonNull(bornHost, "bornHost");
            return this;
        }

        public Builder storeHost(InetSocketAddress storeHost) {
            this.storeHost = Objects.requireNonNull(storeHost, "storeHost");
            return this;
        }

        public Builder reconsumeTimes(int reconsumeTimes) {
            this.reconsumeTimes = reconsumeTimes;
            return this;
        }

        public Builder preparedTransactionOffset(long preparedTransactionOffset) {
            this.preparedTransactionOffset = preparedTransactionOffset;
            return this;
        }

        /**
         * @throws TopicTooLongException       topic longer than 127 UTF-8 bytes
         * @throws PropertiesTooLargeException encoded properties over 32 KiB
         * @throws InvalidMessageException     empty topic, topic unusable as a directory name, negative queue id,
         *                                     or a property containing the encoding's separators
         */
        public MessageRecord build() {
            validateTopic(topic);
            if (queueId < 0) {
                throw new InvalidMessageException("queueId must be >= 0, was " + queueId + " (topic " + topic + ")");
            }
            Map<String, String> all = properties;
            String encoded = canonicalEncoded;
            int flags = sysFlag;
            boolean bornV6 = HostAddress.isIpv6Only(bornHost);
            boolean storeV6 = HostAddress.isIpv6Only(storeHost);
            if (bornV6 || storeV6) {
                all = new LinkedHashMap<>(properties);
                encoded = null;
                if (bornV6) {
                    flags |= SysFlag.BORN_HOST_V6;
                    all.put(BORN_HOST_PROPERTY, HostAddress.toText(bornHost));
                }
                if (storeV6) {
                    flags |= SysFlag.STORE_HOST_V6;
                    all.put(STORE_HOST_PROPERTY, HostAddress.toText(storeHost));
                }
            }
            for (Map.Entry<String, String> e : all.entrySet()) {
                checkEncodable(e.getKey(), e.getValue());
            }
            if (encoded == null) {
                encoded = MessageProperties.encode(all);
            }
            byte[] propertiesBytes = encoded.getBytes(StandardCharsets.UTF_8);
            if (propertiesBytes.length > RecordDescriptor.MAX_PROPERTIES_BYTES) {
                throw new PropertiesTooLargeException("properties of a message to " + topic + " encode to "
                        + propertiesBytes.length + " bytes; the limit is " + RecordDescriptor.MAX_PROPERTIES_BYTES
                        + ": move large values into the body");
            }
            if (all == properties) {
                propertiesShared = true; // the record's view of it must never change
            }
            return new MessageRecord(this, all, flags, topic.getBytes(StandardCharsets.UTF_8), propertiesBytes);
        }

        private static void validateTopic(String topic) {
            if (topic.isEmpty() || topic.equals(".") || topic.equals("..") || topic.indexOf('/') >= 0
                    || topic.indexOf('\\') >= 0 || topic.indexOf('\0') >= 0) {
                throw new InvalidMessageException("topic '" + topic + "' is not usable: it must be non-empty, not"
                        + " '.' or '..', and contain no '/', '\\' or NUL (it names a directory)");
            }
            int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > RecordDescriptor.MAX_TOPIC_BYTES) {
                throw new TopicTooLongException("topic '" + topic.substring(0, 32) + "...' is " + bytes
                        + " UTF-8 bytes; the limit is " + RecordDescriptor.MAX_TOPIC_BYTES + ": use a shorter name");
            }
        }

        private static void checkEncodable(String name, String value) {
            if (name.isEmpty() || hasSeparator(name) || hasSeparator(value)) {
                throw new InvalidMessageException("property '" + name.replace(MessageProperties.NAME_VALUE_SEPARATOR,
                        '?').replace(MessageProperties.PROPERTY_SEPARATOR, '?') + "' cannot be stored: names must be"
                        + " non-empty and neither names nor values may contain \\u0001 or \\u0002");
            }
        }

        private static boolean hasSeparator(String s) {
            return s.indexOf(MessageProperties.NAME_VALUE_SEPARATOR) >= 0
                    || s.indexOf(MessageProperties.PROPERTY_SEPARATOR) >= 0;
        }
    }
}
