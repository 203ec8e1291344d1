package io.tidemq.client.admin;

import io.tidemq.client.ClientException;

/** Base of the exceptions {@link AdminClient} throws; the message says what failed and what to do next. */
public class AdminException extends ClientException {

    private static final long serialVersionUID = 1L;

    public AdminException(String message) {
        super(message);
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
