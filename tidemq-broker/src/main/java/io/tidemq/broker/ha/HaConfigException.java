package io.tidemq.broker.ha;

/** A replication key of the broker configuration is invalid; the message names the key and what to set. */
public final class HaConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public HaConfigException(String message) {
        super(message);
    }
}
