package io.tidemq.client;

/** No NameServer (or the broker asked) knows the topic. Wire code: {@code TOPIC_NOT_EXIST}. */
public final class TopicNotFoundException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public TopicNotFoundException(String topic, String where) {
        super("topic '" + topic + "' does not exist on " + where + "; create it first"
                + " (tidemq admin topic create --topic " + topic + ") or turn on autoCreateTopic on a broker");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
