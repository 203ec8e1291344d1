package io.tidemq.store.api;

/**
 * The message body exceeds {@code maxMessageBytes}, or a batch does not fit in one CommitLog file. Send a smaller body or raise the limit.
 */
public class MessageTooLargeException extends InvalidMessageException {

    public MessageTooLargeException(String message) {
        super(message);
    }

    public MessageTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
