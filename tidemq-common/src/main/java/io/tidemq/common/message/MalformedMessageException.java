package io.tidemq.common.message;

/** Bytes that should hold encoded messages do not; the message says where decoding stopped and why. */
public final class MalformedMessageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
