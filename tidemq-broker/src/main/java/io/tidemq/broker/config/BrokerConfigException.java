package io.tidemq.broker.config;

/** A broker configuration key is missing, malformed or out of range; the message names the key and what is allowed. */
public final class BrokerConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public BrokerConfigException(String message) {
        super(message);
    }

    public BrokerConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
