package io.tidemq.common.message;

/**
 * A message id that is not the 32 hexadecimal characters a broker assigns (store host, port, CommitLog offset);
 * the message says which part is wrong. An argument error: the broker answers it with INVALID_PARAMETER.
 */
public final class MalformedMessageIdException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedMessageIdException(String message) {
        super(message);
    }
}
