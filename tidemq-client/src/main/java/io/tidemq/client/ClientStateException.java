package io.tidemq.client;

/**
 * A call that the object's lifecycle does not allow: a producer or consumer used before {@code start()} or
 * after {@code close()}, a listener registered too late, {@code subscribe()} mixed with {@code assign()}. The
 * message says which call to make first.
 */
public final class ClientStateException extends ClientException {

    private static final long serialVersionUID = 1L;

    public ClientStateException(String message) {
        super(message);
    }
}
