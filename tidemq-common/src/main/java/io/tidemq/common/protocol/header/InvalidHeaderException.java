package io.tidemq.common.protocol.header;

/** A request or response header lacks a required field or holds a value of the wrong type. */
public final class InvalidHeaderException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidHeaderException(String message) {
        super(message);
    }
}
