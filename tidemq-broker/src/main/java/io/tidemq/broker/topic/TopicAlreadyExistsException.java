package io.tidemq.broker.topic;

/** CREATE_TOPIC named a topic that exists with a different configuration; use UPDATE_TOPIC to change it. */
public final class TopicAlreadyExistsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public TopicAlreadyExistsException(String topic) {
        super("topic '" + topic + "' already exists with another configuration; use UPDATE_TOPIC to change it");
    }
}
