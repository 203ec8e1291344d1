package io.tidemq.client;

import io.tidemq.common.names.NameValidator;

/** No NameServer (or the broker asked) knows the topic. Wire code: {@code TOPIC_NOT_EXIST}. */
public final class TopicNotFoundException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public TopicNotFoundException(String topic, String where) {
        super("topic '" + topic + "' does not exist on " + where + "; " + advice(topic));
        this.topic = topic;
    }

    /** What to do: create a user topic; a reserved one (retry, dead-letter, system) only a broker creates. */
    private static String advice(String topic) {
        if (NameValidator.isSystemTopic(topic)) {
            return "it is a reserved topic, which a broker creates itself when it is first needed";
        }
        return "create it first (tidemq admin topic create --topic " + topic + ") or turn on autoCreateTopic on a"
                + " broker";
    }

    public String topic() {
        return topic;
    }
}
