package io.tidemq.namesrv.config;

/** A NameServer configuration key has a bad value or is unknown; the message names the key and what is allowed. */
public final class NamesrvConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public NamesrvConfigException(String message) {
        super(message);
    }
}
