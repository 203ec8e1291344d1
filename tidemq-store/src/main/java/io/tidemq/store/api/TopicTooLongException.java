package io.tidemq.store.api;

/**
 * The topic name is longer than 127 UTF-8 bytes, the most the record's topic length byte allows.
 */
public class TopicTooLongException extends InvalidMessageException {

    public TopicTooLongException(String message) {
        super(message);
    }

    public TopicTooLongException(String message, Throwable cause) {
        super(message, cause);
    }
}
