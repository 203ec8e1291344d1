package io.tidemq.client.admin;

/** No NameServer (or the broker asked) knows the topic. */
public final class UnknownTopicException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public UnknownTopicException(String topic, String where) {
        super("topic '" + topic + "' does not exist on " + where + ". List the topics with `tidemq admin topic list`,"
                + " or create it with `tidemq admin topic create --topic " + topic + "`");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
