package io.tidemq.store;

/**
 * A message id that is not 32 hexadecimal characters encoding host, port and physical offset.
 */
public class MalformedMessageIdException extends StoreException {

    public MalformedMessageIdException(String message) {
        super(message);
    }

    public MalformedMessageIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
