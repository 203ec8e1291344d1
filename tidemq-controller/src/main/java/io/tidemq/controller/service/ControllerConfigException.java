package io.tidemq.controller.service;

/** A controller setting is missing, malformed or out of range; the message names the key. */
public final class ControllerConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ControllerConfigException(String message) {
        super(message);
    }
}
