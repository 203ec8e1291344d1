package io.tidemq.cli;

/** A command cannot do what was asked; the message says why and what to run instead. Exits 1. */
final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
