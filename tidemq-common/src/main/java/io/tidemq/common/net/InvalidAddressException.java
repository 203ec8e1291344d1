package io.tidemq.common.net;

/**
 * An address that is not {@code host:port} ({@code [v6]:port} for IPv6), or an address list that names none;
 * the message names the bad entry and shows the expected form. An argument error.
 */
public final class InvalidAddressException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidAddressException(String message) {
        super(message);
    }
}
