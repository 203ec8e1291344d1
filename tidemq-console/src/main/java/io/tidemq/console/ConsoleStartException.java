package io.tidemq.console;

/** The console could not start (its port is taken, say); the message says what to change. */
public final class ConsoleStartException extends RuntimeException {

    public ConsoleStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
