package io.tidemq.client;

/** No NameServer (or the broker asked) knows the topic. Wire code: {@code TOPIC_NOT_EXIST}. */
public final class TopicNotFoundException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public TopicNotFoundException(String topic, String where) {
        super("topic '" + topic + "' does not exist on " + where + "; create it first (tidemq admin"
                + " create-topic) or enable topic auto-creation on the broker");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
