package io.tidemq.controller.ratis;

/** A controller peer could not start; the message says what to change. */
public final class ControllerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ControllerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
