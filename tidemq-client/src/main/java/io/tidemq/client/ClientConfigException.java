package io.tidemq.client;

/** A {@link ClientConfig} key holds a value outside its allowed range; the message names the key and the range. */
public final class ClientConfigException extends ClientException {

    private static final long serialVersionUID = 1L;

    public ClientConfigException(String message) {
        super(message);
    }
}
