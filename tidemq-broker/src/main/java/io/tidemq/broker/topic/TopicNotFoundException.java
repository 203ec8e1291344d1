package io.tidemq.broker.topic;

/** A request named a topic this broker does not host (and auto-creation is off or not allowed for it). */
public final class TopicNotFoundException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public TopicNotFoundException(String topic, String hint) {
        super("topic '" + topic + "' does not exist on this broker; " + hint);
    }
}
