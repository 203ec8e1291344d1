package io.tidemq.client;

import io.tidemq.common.protocol.ResponseCode;

/** A message breaks a rule the broker would also enforce (topic name, empty batch, mixed topics, …). */
public final class InvalidMessageException extends SendFailedException {

    private static final long serialVersionUID = 1L;

    public InvalidMessageException(String message) {
        super(message, ResponseCode.MESSAGE_ILLEGAL);
    }
}
