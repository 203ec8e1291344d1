package io.tidemq.broker.schedule;

import io.tidemq.store.api.InvalidMessageException;

/**
 * A delayed message whose DELAY_MS / DELIVER_AT_MS the broker cannot honour: malformed, negative, both set, beyond
 * {@code timerMaxDelayMs}, or delayed messages are disabled. Answered as MESSAGE_ILLEGAL with this message.
 */
public final class InvalidDelayException extends InvalidMessageException {

    public InvalidDelayException(String message) {
        super(message);
    }
}
