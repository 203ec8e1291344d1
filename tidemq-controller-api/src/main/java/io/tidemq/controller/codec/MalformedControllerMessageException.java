package io.tidemq.controller.codec;

/** Bytes that are not a controller message of a version this build reads. */
public final class MalformedControllerMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedControllerMessageException(String message) {
        super(message);
    }

    public MalformedControllerMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
