package io.tidemq.common.message;

import io.tidemq.common.names.NameValidator;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message as a producer builds it: topic, body, and properties (tag, keys, user properties). Immutable;
 * build one with {@link #builder(String)}.
 */
public final class Message {

    private final String topic;
    private final byte[] body;
    private final int flag;
    private final Map<String, String> properties;

    private Message(String topic, byte[] body, int flag, Map<String, String> properties) {
        this.topic = topic;
        this.body = body;
        this.flag = flag;
        this.properties = Collections.unmodifiableMap(properties);
    }

    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    /** A builder preloaded with this message, for copies that change a field or two. */
    public Builder toBuilder() {
        Builder b = new Builder(topic).body(body).flag(flag);
        b.properties.putAll(properties);
        return b;
    }

    public String topic() {
        return topic;
    }

    /** The body; callers must not modify the returned array. */
    public byte[] body() {
        return body;
    }

    public int flag() {
        return flag;
    }

    /** Every property, system and user, in insertion order. */
    public Map<String, String> properties() {
        return properties;
    }

    public String property(String name) {
        return properties.get(name);
    }

    public String tag() {
        return properties.get(MessageConst.TAGS);
    }

    public List<String> keys() {
        String k = properties.get(MessageConst.KEYS);
        return k == null ? List.of() : List.of(k.split(MessageConst.KEY_SEPARATOR));
    }

    @Override
    public String toString() {
        return "Message{topic=" + topic + ", bodyBytes=" + body.length + ", properties=" + properties + '}';
    }

    /** Builds a {@link Message}; validates the topic and property names. Not thread-safe. */
    public static final class Builder {
        private final String topic;
        private byte[] body = new byte[0];
        private int flag;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(String topic) {
            NameValidator.checkTopic(topic);
            this.topic = topic;
        }

        public Builder body(byte[] body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        public Builder body(String utf8) {
            return body(utf8.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public Builder flag(int flag) {
            this.flag = flag;
            return this;
        }

        /** Sets the tag; a tag is one word without spaces or {@code ||}. */
        public Builder tag(String tag) {
            if (tag == null || tag.isBlank() || tag.contains(" ") || tag.contains("||")) {
                throw new IllegalArgumentException("tag '" + tag + "' is invalid: use one word without spaces or '||'");
            }
            return systemProperty(MessageConst.TAGS, tag);
        }

        /** Sets the business keys (each without spaces); they are indexed for lookup by key. */
        public Builder keys(String... keys) {
            for (String k : keys) {
                if (k == null || k.isEmpty() || k.contains(MessageConst.KEY_SEPARATOR)) {
                    throw new IllegalArgumentException("key '" + k + "' is invalid: keys are non-empty and contain no spaces");
                }
            }
            return systemProperty(MessageConst.KEYS, String.join(MessageConst.KEY_SEPARATOR, Arrays.asList(keys)));
        }

        /** Delivers the message no earlier than {@code delayMs} after the broker stores it. */
        public Builder delayMs(long delayMs) {
            if (delayMs <= 0) {
                throw new IllegalArgumentException("delayMs must be > 0, was " + delayMs);
            }
            return systemProperty(MessageConst.DELAY_MS, Long.toString(delayMs));
        }

        /** Delivers the message no earlier than {@code epochMs}. */
        public Builder deliverAtMs(long epochMs) {
            return systemProperty(MessageConst.DELIVER_AT_MS, Long.toString(epochMs));
        }

        /** Puts the message in swimlane {@code lane}. */
        public Builder lane(String lane) {
            NameValidator.checkLane(lane);
            return systemProperty(MessageConst.LANE, lane);
        }

        /** A user property; system names ({@link MessageConst}) are rejected. */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (MessageConst.isReserved(name)) {
                throw new IllegalArgumentException("property name '" + name + "' is reserved for the system;"
                        + " use the builder's dedicated method or another name");
            }
            MessageProperties.checkEncodable(name, value);
            properties.put(name, value);
            return this;
        }

        /** Sets a system property; for the SDK and the broker, not for user code. */
        public Builder systemProperty(String name, String value) {
            MessageProperties.checkEncodable(name, value);
            properties.put(name, value);
            return this;
        }

        public Builder removeProperty(String name) {
            properties.remove(name);
            return this;
        }

        public Message build() {
            return new Message(topic, body, flag, new LinkedHashMap<>(properties));
        }
    }
}
