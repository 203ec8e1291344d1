package io.tidemq.client.producer;


import io.tidemq.client.InvalidMessageException;
import io.tidemq.client.MessageTooLargeException;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The checks a producer runs before sending, so a message the broker would refuse fails fast and with a
 * precise error: user topic name, non-empty body within {@code maxMessageBytes}, properties within the
 * store's 32 KiB limit. Also builds the properties string sent on the wire, adding {@code UNIQ_KEY}.
 */
final class MessageValidator {

    /** The store keeps the properties length in two bytes. */
    static final int MAX_PROPERTIES_BYTES = Short.MAX_VALUE;

    private MessageValidator() {
    }

    static void check(Message msg, int maxMessageBytes) {
        checkTopic(msg.topic());
        int bodyBytes = msg.body().length;
        if (bodyBytes == 0) {
            throw new InvalidMessageException("message to topic '" + msg.topic() + "' has an empty body;"
                    + " send at least one byte");
        }
        if (bodyBytes > maxMessageBytes) {
            throw new MessageTooLargeException("message body to topic '" + msg.topic() + "'", bodyBytes, maxMessageBytes);
        }
    }

    static void checkBatch(List<Message> msgs, int maxMessageBytes) {
        if (msgs == null || msgs.isEmpty()) {
            throw new InvalidMessageException("batch is empty; send at least one message");
        }
        String topic = msgs.get(0).topic();
        for (Message m : msgs) {
            if (!m.topic().equals(topic)) {
                throw new InvalidMessageException("batch mixes topics '" + topic + "' and '" + m.topic()
                        + "'; a batch goes to one queue of one topic, send one batch per topic");
            }
            if (m.property(MessageConst.DELAY_MS) != null || m.property(MessageConst.DELIVER_AT_MS) != null) {
                throw new InvalidMessageException("batch to topic '" + topic + "' holds a delayed message;"
                        + " send delayed messages one by one");
            }
            check(m, maxMessageBytes);
        }
    }

    private static void checkTopic(String topic) {
        try {
            NameValidator.checkUserTopic(topic);
        } catch (InvalidNameException e) {
            throw new InvalidMessageException(e.getMessage());
        }
    }

    /** The wire properties of {@code msg}, with {@code uniqueId} as {@code UNIQ_KEY} unless it has one. */
    static String propertiesWithUniqueId(Message msg, String uniqueId) {
        String encoded = MessageProperties.encode(msg.properties());
        if (msg.property(MessageConst.UNIQ_KEY) == null) {
            encoded = encoded + MessageConst.UNIQ_KEY + MessageProperties.NAME_VALUE_SEPARATOR + uniqueId
                    + MessageProperties.PROPERTY_SEPARATOR;
        }
        // a char is at most 3 UTF-8 bytes: only measure exactly when the cheap bound is exceeded
        if (encoded.length() * 3 > MAX_PROPERTIES_BYTES) {
            int bytes = encoded.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PROPERTIES_BYTES) {
                throw new InvalidMessageException("properties of the message to topic '" + msg.topic() + "' encode to "
                        + bytes + " bytes; the limit is " + MAX_PROPERTIES_BYTES + ": use fewer or shorter properties");
            }
        }
        return encoded;
    }
}
