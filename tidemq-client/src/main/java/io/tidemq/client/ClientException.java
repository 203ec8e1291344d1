package io.tidemq.client;

/** Base of every exception the client SDK throws; the message says what failed and what to do. */
public class ClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClientException(String message) {
        super(message);
    }

    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
